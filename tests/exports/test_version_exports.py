"""Markdown and PDF of a frozen version: the frozen text byte for byte, which version it is,
that it is frozen, who froze it and when, its content hash and the ledger head at freezing."""

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from planhub.exports.models import PdfExport
from planhub.exports.versions import version_markdown
from tests.baselines.conftest import PLAN_TEXT, approve_everything, freeze
from tests.exports.test_pdf_jobs import text_of
from tests.factories import make_plan
from tests.worker import run_db_worker, run_queued_tasks


@pytest.fixture
def version(project, owner, reviewer, monkeypatch):
    monkeypatch.setattr("planhub.baselines.models.head", lambda project_id: "a1b2c3" * 10 + "d4e5")
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    approve_everything(plan, reviewer=reviewer, owner=owner)
    return freeze(plan, owner, name="v1.0", note="Board approved")


def md_url(version):
    return reverse(
        "version_export_md", args=[version.plan.project.slug, version.plan_id, version.pk]
    )


def pdf_url(version):
    return reverse(
        "version_export_pdf", args=[version.plan.project.slug, version.plan_id, version.pk]
    )


def test_markdown_is_the_frozen_text_then_the_version_block(client, viewer, editor, version):
    scope = version.plan.sections.get(heading="Scope")
    scope.plan = version.plan
    scope.save_edit(author=editor, heading="Scope", body="Later edit.\n", base_version=1)

    client.force_login(viewer)
    response = client.get(md_url(version))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="payments-revamp-v10.md"'
    text = response.content.decode()
    assert text.startswith(PLAN_TEXT)  # byte for byte, the later edit not in it
    block = text[len(PLAN_TEXT) :]
    frozen = version.frozen_at.strftime("%Y-%m-%d %H:%M")
    record = version.signoffs[0]["record"]  # the signature record, as SignOff kept it
    assert record["meaning"] == "Plan approval: approved"
    signed_at = block.split(f"| {record['meaning']} | ")[1][:16]
    assert block == (
        "<!-- planhub:version -->\n"
        "## Version v1.0\n\n"
        f"Frozen version **v1.0** of “Payments revamp”, frozen {frozen} UTC by olivia. "
        "This text never changes.\n\n"
        "Note: Board approved\n\n"
        f"- Content hash: `{version.content_hash}`\n"
        f"- Ledger head at freezing: `{'a1b2c3' * 10 + 'd4e5'}`\n\n"
        "| Sign-off | Signed by | Decision | Date |\n"
        "|---|---|---|---|\n"
        f"| Plan approval | {record['printed_name']} | {record['meaning']} | {signed_at} |\n"
        "<!-- /planhub:version -->\n\n"
    )


def test_plain_markdown_is_only_the_frozen_text(client, viewer, version):
    client.force_login(viewer)
    assert client.get(md_url(version) + "?plain=1").content.decode() == PLAN_TEXT
    assert version_markdown(version, plain=True) == PLAN_TEXT


def test_pdf_goes_through_the_worker_and_says_version_frozen_hash_and_ledger_head(
    client, viewer, version
):
    client.force_login(viewer)
    response = client.get(pdf_url(version))
    assert response.status_code == 202
    assert response["Retry-After"] == "2"
    assert run_queued_tasks() == 1
    response = client.get(pdf_url(version))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="payments-revamp-v10.pdf"'
    text = text_of(response.content)
    flat = " ".join(text.split())
    date = version.frozen_at.strftime("%Y-%m-%d")
    assert f"Version v1.0 — frozen {date} by olivia" in flat
    assert "FROZEN" in text
    assert "DRAFT" not in text
    assert version.content_hash in flat.replace(" ", "") or version.content_hash[:32] in flat
    assert "a1b2c3a1b2c3" in flat.replace(" ", "")
    assert "We move card payments to the new provider." in flat
    assert DBTaskResult.objects.count() == 1


def test_the_version_pdf_is_not_the_working_copy_pdf(client, viewer, editor, version):
    scope = version.plan.sections.get(heading="Scope")
    scope.plan = version.plan
    scope.save_edit(author=editor, heading="Scope", body="Later edit.\n", base_version=1)
    client.force_login(viewer)
    client.get(pdf_url(version))
    run_queued_tasks()
    text = text_of(client.get(pdf_url(version)).content)
    assert "Later edit." not in text
    assert "We move card payments" in " ".join(text.split())


def test_the_working_copys_newer_pdf_leaves_the_version_pdf_in_place(client, viewer, version):
    client.force_login(viewer)
    client.get(pdf_url(version))
    run_queued_tasks()
    plan_pdf = reverse("export_pdf", args=[version.plan.project.slug, version.plan_id])
    client.get(plan_pdf)  # the working copy's PDF, made after the version's
    run_queued_tasks()
    assert client.get(plan_pdf).status_code == 200
    assert PdfExport.objects.filter(frozen_version=version).count() == 1
    response = client.get(pdf_url(version))
    assert response.status_code == 200  # kept: no second rendering
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_process_renders_a_version_pdf(project, owner, reviewer):
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    approve_everything(plan, reviewer=reviewer, owner=owner)
    version = freeze(plan, owner, name="v2.0")
    client = Client()
    client.force_login(owner)
    assert client.get(pdf_url(version)).status_code == 202
    worker = run_db_worker()
    assert worker.returncode == 0, worker.stdout + worker.stderr
    response = client.get(pdf_url(version))
    assert response.status_code == 200
    assert "Version v2.0" in " ".join(text_of(response.content).split())
    assert PdfExport.objects.get().status == "ready"


def test_an_import_drops_the_version_block(version):
    from planhub.document.generated_blocks import strip_generated_blocks

    assert strip_generated_blocks(version_markdown(version)) == PLAN_TEXT
