"""How an in-process PDF engine is run (WeasyPrint, the benchmark's baseline): the cycle
collector paused during a rendering."""

import gc
import threading
from io import BytesIO

import pytest
from pypdf import PdfReader

from bench.pdf_engines import weasyprint_pdf as html_to_pdf
from planhub.lib import gc_pause
from planhub.lib.gc_pause import garbage_collection_paused


@pytest.fixture(autouse=True)
def collector_on():
    """Each test starts with the cycle collector on and leaves it on: one of them turns it off
    (test_a_collector_turned_off_elsewhere_stays_off), which would otherwise last for the rest
    of the run."""
    gc.enable()
    yield
    gc.enable()


def test_collector_is_off_while_rendering_and_back_on_after():
    with garbage_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_comes_back_after_a_failed_rendering():
    with pytest.raises(ValueError), garbage_collection_paused():
        raise ValueError("layout failed")
    assert gc.isenabled()


def test_overlapping_pauses_keep_the_collector_off_until_the_last_ends():
    first_inside, release_first = threading.Event(), threading.Event()

    def first():
        with garbage_collection_paused():
            first_inside.set()
            release_first.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    first_inside.wait(5)
    with garbage_collection_paused():
        pass
    assert not gc.isenabled(), "the second pause ended while the first still renders"
    release_first.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off():
    gc.disable()
    with garbage_collection_paused():
        pass
    assert not gc.isenabled()


@pytest.mark.django_db
def test_the_garbage_of_a_rendering_is_collected_once_a_request_has_finished(monkeypatch, client):
    collections = []
    monkeypatch.setattr(gc_pause.gc, "collect", lambda *args: collections.append(args) or 0)
    html_to_pdf("<p>One page</p>")
    assert collections == []  # not while the user waits for the PDF
    client.get("/healthz")  # the test client sends request_finished, as a server does
    assert len(collections) == 1
    client.get("/healthz")
    assert len(collections) == 1  # nothing owed any more


def test_the_rendered_document_is_a_pdf_with_the_text():
    reader = PdfReader(BytesIO(html_to_pdf("<h1>Paused collector</h1><p>Still a PDF.</p>")))
    assert "Paused collector" in reader.pages[0].extract_text()
