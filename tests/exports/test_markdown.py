from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from planhub.plans.builtin_templates import BUILTIN_TEMPLATES
from tests.factories import builtin_template, make_plan


def export_url(plan, **params):
    url = reverse("export_md", args=[plan.project.slug, plan.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_download_is_named_after_the_plan(client, viewer, plan):
    client.force_login(viewer)
    response = client.get(export_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    expected = 'attachment; filename="implementation-plan-test-feature-name.md"'
    assert response["Content-Disposition"] == expected
    text = response.content.decode()
    assert text.startswith(plan.to_markdown())  # the feature plan has no Approvals section…
    assert text[len(plan.to_markdown()) :].startswith("<!-- planhub:signoff -->\n## Sign-off\n")


@pytest.mark.parametrize("slug", BUILTIN_TEMPLATES)
def test_untouched_plan_plain_export_is_the_template(client, project, owner, slug):
    from planhub.plans.models import Plan

    template = builtin_template(slug)
    values = {name: f"[{name}]" for name in template.title_placeholders()}
    plan = Plan.create_from_template(
        project=project, template=template, author=owner, values=values
    )
    client.force_login(owner)
    assert client.get(export_url(plan, plain=1)).content == template.source.encode()
    out = StringIO()
    call_command("export_plan", plan.pk, "--format", "md", "--plain", stdout=out)
    assert out.getvalue() == template.source


def test_export_reflects_edits(client, editor, plan):
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    section.save_edit(author=editor, heading="Summary", body="We build it.", base_version=1)
    client.force_login(editor)
    text = client.get(export_url(plan, plain=1)).content.decode()
    assert "## Summary\n\nWe build it.\n\n## Architecture" in text


def test_export_command_writes_a_file(tmp_path, plan):
    target = tmp_path / "plan.md"
    call_command("export_plan", plan.pk, "--plain", "-o", str(target), stderr=StringIO())
    assert target.read_text() == plan.to_markdown()


def test_export_command_errors(plan):
    with pytest.raises(CommandError, match="No plan with id 9999"):
        call_command("export_plan", 9999)


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: x\n---\n# T\r\n\r\n## A ##  \r\n```\r\n# code\r\n```\r\n",
        "Intro\n\nTitle\n=====\n\n<!--\n# hidden\n-->\n### Deep\n~~~\n# x\n~~~\nno final newline",
        "## No H1\n\n````\n```\n# in\n```\n````\n",
    ],
)
def test_import_plan_then_export_is_byte_identical(tmp_path, project, owner, text):
    source = tmp_path / "doc.md"
    source.write_bytes(text.encode())
    out = StringIO()
    call_command(
        "import_plan", str(source), "--project", project.slug, stdout=out, stderr=StringIO()
    )
    plan_id = int(out.getvalue().strip().splitlines()[-1])
    exported = StringIO()
    call_command("export_plan", plan_id, "--format", "md", "--plain", stdout=exported)
    assert exported.getvalue() == text
    assert make_plan(project, owner, text=text).to_markdown() == text
