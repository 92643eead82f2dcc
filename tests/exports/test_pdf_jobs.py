"""PDF export through the background worker: a request never renders a PDF. It answers the
file when one is kept for the plan's current content, else 202 while the worker makes it (one
rendering per content, however many ask), with a page that shows progress. The worker draws
the plan's diagrams, then Typst typesets the document in a child process held to a budget."""

import json
import time
from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader

from bench.big_plan import big_plan_markdown
from planhub.exports import tasks as export_tasks
from planhub.exports.diagrams import diagrams_for
from planhub.exports.models import PdfExport
from planhub.exports.pdf import capture
from planhub.exports.pdf_process import (
    BudgetExceeded,
    RenderFailed,
    compile_typst,
    page_count,
    render_in_child,
)
from planhub.exports.typst_pdf import GENERATED_SLOT, with_generation_time
from planhub.reviews.models import SectionDecision
from tests.factories import make_plan
from tests.worker import run_db_worker, run_queued_tasks, start_db_worker

TEXT = "# Worker Plan\n\nIntro.\n\n## Scope\n\nThe first scope.\n"
MERMAID = "graph TD\n  Invoice --> Payment\n"
WITH_DIAGRAM = TEXT + f"\n## Flow\n\nHow money moves.\n\n```mermaid\n{MERMAID}```\n"
# Typst that takes tens of seconds (a long loop), and Typst that does not compile.
SLOW_TYPST = "#let s = 0\n#for i in range(30000000) { s += 1 }\n#s\n"
BROKEN_TYPST = "#let x = (\nText.\n"
HTML = "text/html,application/xhtml+xml"


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def pdf_url(plan) -> str:
    return reverse("export_pdf", args=[plan.project.slug, plan.pk])


def test_first_request_queues_one_job_and_answers_202(client, project, owner, viewer):
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(viewer)
    response = client.get(pdf_url(plan))
    assert response.status_code == 202
    assert response["Retry-After"] == "2"
    body = json.loads(response.content)
    assert body["status"] == "queued"
    export = PdfExport.objects.get()
    assert body["status_url"] == reverse(
        "pdf_export_status", args=[project.slug, plan.pk, export.pk]
    )
    assert DBTaskResult.objects.count() == 1


def test_many_requests_for_the_same_content_make_one_job(client, project, owner, members):
    plan = make_plan(project, owner, text=TEXT)
    for role in ("owner", "editor", "reviewer", "viewer", "viewer"):
        client.force_login(members[role])
        assert client.get(pdf_url(plan)).status_code == 202
    assert PdfExport.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_worker_renders_it_then_the_same_url_answers_the_pdf(client, project, owner):
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    client.get(pdf_url(plan))
    assert run_queued_tasks() == 1
    export = PdfExport.objects.get()
    assert export.status == "ready" and export.pages >= 1 and export.document == ""
    response = client.get(pdf_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="worker-plan.pdf"'
    text = text_of(response.content)
    assert "The first scope." in text
    assert export.pages == len(PdfReader(BytesIO(response.content)).pages)
    # The generation time is filled in: the moment it was asked for, not when it was made.
    created = PdfReader(BytesIO(response.content)).metadata.creation_date
    assert created == export.created_at.astimezone(UTC).replace(microsecond=0)
    assert DBTaskResult.objects.count() == 1  # served from what is kept: nothing queued


def test_an_edit_or_a_review_makes_a_new_pdf_and_the_old_one_goes(
    client, project, owner, editor, reviewer
):
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    client.get(pdf_url(plan))
    run_queued_tasks()
    scope = plan.sections.get(heading="Scope")
    scope.plan = plan
    scope.save_edit(author=editor, heading="Scope", body="A better scope.", base_version=1)
    assert client.get(pdf_url(plan)).status_code == 202
    run_queued_tasks()
    edited = client.get(pdf_url(plan))
    assert edited.status_code == 200
    assert "A better scope." in text_of(edited.content)
    assert "The first scope." not in text_of(edited.content)
    assert PdfExport.objects.count() == 1  # only the newest PDF of a plan is kept


def test_a_review_makes_a_new_pdf_with_the_new_status(client, project, owner, reviewer):
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    client.get(pdf_url(plan))
    run_queued_tasks()
    scope = plan.sections.get(heading="Scope")
    SectionDecision.record(section=scope, reviewer=reviewer, decision="approved", version=1)
    assert client.get(pdf_url(plan)).status_code == 202
    run_queued_tasks()
    assert "1 of 2 sections approved" in text_of(client.get(pdf_url(plan)).content)
    assert PdfExport.objects.count() == 1


def test_the_pdf_shows_the_content_of_the_moment_it_was_asked_for(client, project, owner):
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    client.get(pdf_url(plan))
    scope = plan.sections.get(heading="Scope")
    scope.plan = plan
    scope.save_edit(author=owner, heading="Scope", body="Written later.", base_version=1)
    run_queued_tasks()
    export = PdfExport.objects.get()
    download = client.get(reverse("pdf_export_file", args=[project.slug, plan.pk, export.pk]))
    assert "The first scope." in text_of(download.content)
    assert client.get(pdf_url(plan)).status_code == 202  # the plan changed: a new PDF


def test_browser_gets_a_progress_page_that_polls_and_then_downloads(client, project, owner):
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    page = client.get(pdf_url(plan), HTTP_ACCEPT=HTML)
    assert page.status_code == 202
    html = page.content.decode()
    export = PdfExport.objects.get()
    status_url = reverse("pdf_export_status", args=[project.slug, plan.pk, export.pk])
    assert "Queued" in html and f'hx-get="{status_url}"' in html and 'hx-trigger="every 1s"' in html
    run_queued_tasks()
    polled = client.get(status_url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200
    part = polled.content.decode()
    download_url = reverse("pdf_export_file", args=[project.slug, plan.pk, export.pk])
    assert f'data-autodownload="{download_url}"' in part
    assert "hx-trigger" not in part  # finished: the polling stops
    assert "<html" not in part  # the status part only
    assert client.get(download_url).content.startswith(b"%PDF-")


def record_progress(monkeypatch) -> list[tuple[int, str]]:
    seen = []
    real = PdfExport.report_progress

    def recording(export, pages, phase=""):
        seen.append((pages, phase))
        real(export, pages, phase)

    monkeypatch.setattr(PdfExport, "report_progress", recording)
    return seen


def test_the_job_draws_the_diagrams_then_typesets_and_reports_each_phase(
    project, owner, client, monkeypatch
):
    plan = make_plan(project, owner, text=WITH_DIAGRAM)
    client.force_login(owner)
    client.get(pdf_url(plan))
    export = PdfExport.objects.get()
    assert export.diagram_sources == [MERMAID]  # captured with the document
    seen = record_progress(monkeypatch)
    run_queued_tasks()
    phases = [phase for _, phase in seen]
    assert phases[0] == "Drawing diagrams — 1 of 1"
    assert "Typesetting" in phases
    export.refresh_from_db()
    assert export.status == "ready" and export.phase == "" and export.diagram_sources == []
    assert seen[-1][0] == export.pages >= 1  # the page count once known
    text = " ".join(text_of(client.get(pdf_url(plan)).content).split())
    assert "How money moves." in text
    if not (diagrams_for([MERMAID]).get(MERMAID) or None):  # not drawn: its source is printed
        assert "Invoice --> Payment" in text or "Invoice −−> Payment" in text


def test_the_export_page_and_json_show_the_phase(client, project, owner):
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    client.get(pdf_url(plan))
    export = PdfExport.objects.get()
    export.start()
    export.report_progress(0, "Drawing diagrams — 2 of 3")
    status_url = reverse("pdf_export_status", args=[project.slug, plan.pk, export.pk])
    page = client.get(status_url, HTTP_ACCEPT=HTML).content.decode()
    assert "Rendering — Drawing diagrams — 2 of 3…" in page
    body = json.loads(client.get(status_url).content)
    assert body["status"] == "rendering" and body["phase"] == "Drawing diagrams — 2 of 3"


def test_the_content_key_leaves_the_time_out_and_follows_the_content(project, owner):
    plan = make_plan(project, owner, text=WITH_DIAGRAM)
    first = capture(plan)
    time.sleep(1.1)  # a second later: the generation time is not in the document
    again = capture(plan)
    assert first == again and GENERATED_SLOT in first.source
    assert first.diagram_sources == (MERMAID,)
    scope = plan.sections.get(heading="Scope")
    scope.plan = plan
    scope.save_edit(author=owner, heading="Scope", body="Changed.", base_version=1)
    assert capture(plan).content_key != first.content_key
    other = make_plan(project, owner, text=WITH_DIAGRAM)
    assert capture(other).content_key != first.content_key  # same text, another plan


@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    when=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)),
    text=st.text(max_size=40),
)
def test_the_generation_time_is_the_pdfs_date_whatever_the_text(when, text):
    """The slot is filled once, at the top: a text that contains the slot's own words cannot
    move it, and the PDF's creation date is the time given."""
    when = when.replace(tzinfo=UTC, microsecond=0)
    body = f"#{json.dumps(text + GENERATED_SLOT)}\n"  # a Typst string with the slot's words
    source = with_generation_time(
        GENERATED_SLOT + "#set document(date: planhub-generated-date)\n" + body, when
    )
    pdf = compile_typst(source)
    assert PdfReader(BytesIO(pdf)).metadata.creation_date == when
    assert page_count(pdf) == 1


def test_the_child_is_killed_past_its_time_budget(tmp_path):
    started = time.monotonic()
    with pytest.raises(BudgetExceeded, match=r"took longer than the 1 s a PDF may take"):
        render_in_child(SLOW_TYPST, workdir=tmp_path, seconds=1, memory_bytes=2**30)
    assert time.monotonic() - started < 5


def test_the_child_is_killed_past_its_memory_budget(tmp_path):
    hog = "#let a = range(3000000).map(i => str(i))\n#a.len()\n"
    with pytest.raises(
        BudgetExceeded,
        match=r"(more than the |out of the memory a PDF may use \()"
        r"[0-9,]+ MB",
    ):
        render_in_child(hog, workdir=tmp_path, seconds=60, memory_bytes=60 * 2**20)


def test_a_typst_error_is_typsts_message_without_a_trace(tmp_path):
    with pytest.raises(RenderFailed) as failure:
        render_in_child(BROKEN_TYPST, workdir=tmp_path, seconds=60, memory_bytes=2**30)
    message = str(failure.value)
    assert message.startswith("The PDF could not be typeset: ")
    assert "unclosed delimiter" in message
    assert "Traceback" not in message and "│" not in message and ".typ" not in message


def test_a_document_typst_cannot_compile_is_retried_once_then_reported(client, project, owner):
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    client.get(pdf_url(plan))
    PdfExport.objects.update(document=BROKEN_TYPST)
    assert run_queued_tasks() == 2
    export = PdfExport.objects.get()
    assert export.status == "failed" and export.attempts == 2
    assert export.error.startswith("The PDF could not be typeset: unclosed delimiter")
    page = client.get(pdf_url(plan), HTTP_ACCEPT=HTML).content.decode()
    assert "The PDF could not be made." in page and "unclosed delimiter" in page
    assert "Traceback" not in page


def test_a_job_over_its_time_budget_fails_clearly_and_is_not_retried(
    client, project, owner, settings
):
    settings.PDF_JOB_SECONDS = 0.05  # less than starting Python and Typst takes
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    client.get(pdf_url(plan))
    run_queued_tasks()
    export = PdfExport.objects.get()
    assert export.status == "failed" and export.attempts == 1
    assert "took longer than the 0.05 s a PDF may take" in export.error
    page = client.get(pdf_url(plan), HTTP_ACCEPT=HTML)
    assert page.status_code == 422
    html = page.content.decode()
    assert "The PDF could not be made." in html and "0.05 s" in html and "Try again" in html
    assert DBTaskResult.objects.count() == 1  # asking again does not queue it again by itself


def test_a_job_over_its_memory_budget_fails_clearly(client, project, owner, settings):
    settings.PDF_JOB_MEMORY_MB = 20  # less than the renderer needs to start
    # Long enough to typeset (half a second or more) for the budget to be read while it runs.
    tables = "\n".join(f"| {n} | cell {n} with some words |" for n in range(30))
    big = TEXT + "".join(f"\n## Part {n}\n\n| a | b |\n|---|---|\n{tables}\n" for n in range(150))
    plan = make_plan(project, owner, text=big)
    client.force_login(owner)
    client.get(pdf_url(plan))
    run_queued_tasks()
    export = PdfExport.objects.get()
    assert export.status == "failed"
    assert "20 MB" in export.error and "memory" in export.error


def test_a_crash_is_retried_once_then_reported(client, project, owner, monkeypatch):
    """The rendering process failing (stood in for by a function that raises RenderFailed, as
    render_in_child does when the child exits with an error) is tried again, once."""
    calls = []

    def crashing(*args, **kwargs):
        calls.append(1)
        raise RenderFailed("The PDF renderer failed: Segmentation fault")

    monkeypatch.setattr(export_tasks, "render_in_child", crashing)
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    client.get(pdf_url(plan))
    assert run_queued_tasks() == 2
    export = PdfExport.objects.get()
    assert len(calls) == 2 and export.attempts == 2 and export.status == "failed"
    assert "Segmentation fault" in export.error


def test_try_again_after_a_failure_queues_a_fresh_job(client, project, owner, settings):
    settings.PDF_JOB_SECONDS = 0.05
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    client.get(pdf_url(plan))
    run_queued_tasks()
    export = PdfExport.objects.get()
    settings.PDF_JOB_SECONDS = 120
    status_url = reverse("pdf_export_status", args=[project.slug, plan.pk, export.pk])
    assert client.post(status_url).status_code == 302
    run_queued_tasks()
    assert client.get(pdf_url(plan)).status_code == 200


def test_a_job_whose_worker_died_is_queued_again(client, project, owner):
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    client.get(pdf_url(plan))
    export = PdfExport.objects.get()
    export.start()
    PdfExport.objects.filter(pk=export.pk).update(started_at=export.started_at.replace(year=2000))
    assert client.get(pdf_url(plan)).status_code == 202
    assert PdfExport.objects.get().status == "queued"
    assert DBTaskResult.objects.count() == 2
    run_queued_tasks()
    assert client.get(pdf_url(plan)).status_code == 200


# --- the real worker process ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_process_renders_queued_pdfs(project, owner):
    plan = make_plan(project, owner, text=TEXT)
    client = Client()
    client.force_login(owner)
    assert client.get(pdf_url(plan)).status_code == 202
    worker = run_db_worker()
    assert worker.returncode == 0, worker.stdout + worker.stderr
    response = client.get(pdf_url(plan))
    assert response.status_code == 200
    assert "The first scope." in text_of(response.content)


@pytest.mark.django_db(transaction=True)
def test_the_worker_survives_a_job_over_budget_and_runs_the_next(project, owner):
    slow = make_plan(project, owner, text=TEXT)
    client = Client()
    client.force_login(owner)
    client.get(pdf_url(slow))
    worker = run_db_worker(PDF_JOB_SECONDS="0.05")
    assert worker.returncode == 0, worker.stdout + worker.stderr
    assert PdfExport.objects.get(plan=slow).status == "failed"
    fine = make_plan(project, owner, text="# Next Plan\n\nFine.\n")
    client.get(pdf_url(fine))
    worker = run_db_worker()
    assert worker.returncode == 0
    assert PdfExport.objects.get(plan=fine).status == "ready"


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_quickly_while_a_large_pdf_renders(project, owner):
    """No web request waits on a rendering: the worker has it, in its own process."""
    plan = make_plan(project, owner, text=big_plan_markdown(sections=150))
    client = Client()
    client.force_login(owner)
    client.get(pdf_url(plan))
    worker = start_db_worker()
    try:
        deadline = time.monotonic() + 120
        while PdfExport.objects.get().status != "rendering" and time.monotonic() < deadline:
            time.sleep(0.05)
        latencies = []
        while PdfExport.objects.get().status == "rendering" and time.monotonic() < deadline:
            started = time.monotonic()
            assert Client().get("/healthz").status_code == 200
            latencies.append(time.monotonic() - started)
            time.sleep(0.1)
        assert PdfExport.objects.get().status == "ready"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert len(latencies) >= 5
    latencies.sort()
    assert latencies[len(latencies) // 2] < 0.1, latencies
    assert latencies[-1] < 1.0, latencies
