"""Rendered PDFs are kept: the same document is rendered once, any change renders anew, and
people asking at the same moment wait for one rendering."""

import threading
import time
from io import BytesIO

from pypdf import PdfReader

from planhub.exports import pdf as pdf_module
from planhub.exports.cache import cached_pdf
from planhub.reviews.models import Approval
from tests.factories import make_plan

TEXT = "# Cache Plan\n\nIntro.\n\n## Scope\n\nThe first scope.\n"


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def count_renders(monkeypatch) -> list:
    renders = []
    real = pdf_module.html_to_pdf

    def counting(html):
        renders.append(1)
        return real(html)

    monkeypatch.setattr(pdf_module, "html_to_pdf", counting)
    return renders


def test_the_same_plan_is_rendered_once(monkeypatch, project, owner):
    plan = make_plan(project, author=owner, text=TEXT)
    renders = count_renders(monkeypatch)
    first = pdf_module.plan_pdf(plan)
    second = pdf_module.plan_pdf(plan)
    assert second == first
    assert len(renders) == 1
    assert "The first scope." in text_of(first)


def test_an_edit_or_a_review_renders_a_new_pdf(monkeypatch, project, owner, reviewer, editor):
    plan = make_plan(project, author=owner, text=TEXT)
    renders = count_renders(monkeypatch)
    pdf_module.plan_pdf(plan)
    scope = plan.sections.get(heading="Scope")
    scope.plan = plan
    scope.save_edit(author=editor, heading="Scope", body="A better scope.", base_version=1)
    plan.refresh_from_db()
    edited = text_of(pdf_module.plan_pdf(plan))
    assert "A better scope." in edited and "The first scope." not in edited
    Approval.record(section=scope, reviewer=reviewer, decision="approved", version=2)
    reviewed = text_of(pdf_module.plan_pdf(plan))
    assert "1 of 2 sections approved" in reviewed
    assert len(renders) == 3


def test_requests_at_the_same_moment_wait_for_one_rendering(settings):
    renders = []

    def slow_render() -> bytes:
        renders.append(1)
        time.sleep(0.5)
        return b"%PDF-1.7 one rendering"

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cached_pdf("ab" * 32, slow_render)))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(renders) == 1
    assert results == [b"%PDF-1.7 one rendering"] * 6
