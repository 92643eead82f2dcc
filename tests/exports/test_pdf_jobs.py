"""PDF export through the background worker: a request never renders a PDF. It answers the
file when one is kept for the plan's current content, else 202 while the worker makes it (one
rendering per content, however many ask), with a page that shows progress."""

import json
import time
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from bench.big_plan import big_plan_markdown
from planhub.exports import tasks as export_tasks
from planhub.exports.models import PdfExport
from planhub.exports.pdf_process import RenderFailed
from planhub.reviews.models import SectionDecision
from tests.factories import make_plan
from tests.worker import run_db_worker, run_queued_tasks, start_db_worker

TEXT = "# Worker Plan\n\nIntro.\n\n## Scope\n\nThe first scope.\n"
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
    assert export.status == "ready" and export.pages >= 2 and export.document == ""
    response = client.get(pdf_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="worker-plan.pdf"'
    text = text_of(response.content)
    assert "The first scope." in text
    assert export.created_at.strftime("%Y-%m-%d") in text  # the generation time is filled in
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
    SectionDecision.record(section=scope, reviewer=reviewer, decision="approved", version=2)
    assert client.get(pdf_url(plan)).status_code == 202
    run_queued_tasks()
    assert "1 of 2 sections approved" in text_of(client.get(pdf_url(plan)).content)
    assert PdfExport.objects.count() == 1  # only the newest PDF of a plan is kept


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


def test_progress_reports_pages_as_they_are_laid_out(project, owner, client):
    parts = "".join(f"\n## Part {n}\n\nText.\n" for n in range(40))
    plan = make_plan(project, owner, text=TEXT + parts)
    client.force_login(owner)
    client.get(pdf_url(plan))
    seen = []
    real = PdfExport.report_progress

    def recording(export, pages):
        seen.append(pages)
        real(export, pages)

    PdfExport.report_progress = recording
    try:
        run_queued_tasks()
    finally:
        PdfExport.report_progress = real
    assert seen and seen == sorted(seen) and seen[-1] >= 3


def test_a_job_over_its_time_budget_fails_clearly_and_is_not_retried(
    client, project, owner, settings
):
    settings.PDF_JOB_SECONDS = 0.3  # less than starting WeasyPrint takes
    plan = make_plan(project, owner, text=TEXT)
    client.force_login(owner)
    client.get(pdf_url(plan))
    run_queued_tasks()
    export = PdfExport.objects.get()
    assert export.status == "failed" and export.attempts == 1
    assert "took longer than the 0.3 s a PDF may take" in export.error
    page = client.get(pdf_url(plan), HTTP_ACCEPT=HTML)
    assert page.status_code == 422
    html = page.content.decode()
    assert "The PDF could not be made." in html and "0.3 s" in html and "Try again" in html
    assert DBTaskResult.objects.count() == 1  # asking again does not queue it again by itself


def test_a_job_over_its_memory_budget_fails_clearly(client, project, owner, settings):
    settings.PDF_JOB_MEMORY_MB = 20  # less than the renderer needs to start
    plan = make_plan(project, owner, text=TEXT)
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
    settings.PDF_JOB_SECONDS = 0.3
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
    worker = run_db_worker(PDF_JOB_SECONDS="0.3")
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
