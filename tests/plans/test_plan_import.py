import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planhub.exports.markdown import plan_markdown
from planhub.plans.models import Plan, PlanTemplate
from tests.factories import make_plan


def upload(content: bytes, name="plan.md"):
    return SimpleUploadedFile(name, content, content_type="text/markdown")


def url():
    return reverse("plan_import", args=["apollo"])


def test_import_as_plan(client, editor, project):
    client.force_login(editor)
    response = client.post(url(), {"file": upload(b"# Launch\n\n## Scope\n\nEU\n"), "kind": "plan"})
    plan = Plan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert (plan.title, plan.created_by, plan.project) == ("Launch", editor, project)
    assert plan.to_markdown() == "# Launch\n\n## Scope\n\nEU\n"


def test_import_without_title_uses_the_name_or_file_name(client, editor):
    client.force_login(editor)
    client.post(url(), {"file": upload(b"## Only h2\n", "notes.md"), "kind": "plan"})
    client.post(url(), {"file": upload(b"## Only h2\n"), "kind": "plan", "name": "Named"})
    assert sorted(Plan.objects.values_list("title", flat=True)) == ["Named", "notes"]


def test_import_as_template_then_use_it(client, editor, project):
    client.force_login(editor)
    response = client.post(
        url(), {"file": upload(b"# Release [Version]\n\n## Steps\n"), "kind": "template"}
    )
    template = PlanTemplate.objects.get(project=project)
    assert template.name == "Release [Version]" and template.created_by == editor
    assert response["Location"] == f"/p/apollo/plans/new/?template={template.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Replaces [Version] in the plan." in page


def test_import_of_an_exported_plan_drops_generated_blocks(client, owner, project):
    original = make_plan(project, owner, slug="technical-approach-plan")
    exported = plan_markdown(original, review_summary=True).encode()
    client.force_login(owner)
    client.post(url(), {"file": upload(exported), "kind": "plan"})
    imported = Plan.objects.exclude(pk=original.pk).get()
    assert imported.to_markdown() == original.to_markdown()
    assert imported.signoff_slots.count() == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\n \n", "is empty"),
        (b"no heading here\n", "has no heading"),
        (b"\xff\xfe# bad", "is not UTF-8 text"),
        (b"# x\x00\x01", "looks binary"),
        (b"# T\n" + b"## s\n" * 1000, "has 1001 sections; the limit is 1000"),
        (b"# Big\n" + b"x" * (2 * 1024 * 1024), "the limit is 2 MB"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_changes(client, editor, content, message):
    client.force_login(editor)
    response = client.post(url(), {"file": upload(content), "kind": "plan", "name": "Kept name"})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and 'value="Kept name"' in html
    assert not Plan.objects.exists() and not PlanTemplate.objects.filter(project__isnull=False)


def test_missing_file(client, editor):
    client.force_login(editor)
    response = client.post(url(), {"kind": "plan"})
    assert response.status_code == 422 and "This field is required." in response.content.decode()


@pytest.mark.parametrize("kind", ["plan", "template"])
def test_headings_of_any_length_are_imported_losslessly(client, editor, project, kind):
    """A heading over 500 characters (the old column) was a 500 on PostgreSQL: any heading
    the file has is imported, and the plain export gives the file back byte for byte."""
    title, heading = "T" * 5000, "h" * 20_000
    text = f"# {title}\n\n## {heading}\n\nbody\n\n### {heading} again\n"
    client.force_login(editor)
    response = client.post(url(), {"file": upload(text.encode()), "kind": kind})
    assert response.status_code == 302
    if kind == "template":
        template = PlanTemplate.objects.get(project=project)
        assert template.source == text and template.name == "T" * 200
        response = client.post(
            reverse("plan_new", args=["apollo"]), {"template": template.pk, "title": title}
        )
        assert response.status_code == 302
    plan = Plan.objects.get()
    assert [s.heading for s in plan.sections.all()] == [title, heading, f"{heading} again"]
    assert plan_markdown(plan, plain=True) == text


def test_an_over_long_name_is_refused_with_a_message(client, editor):
    client.force_login(editor)
    response = client.post(url(), {"file": upload(b"## x\n"), "kind": "plan", "name": "n" * 201})
    assert response.status_code == 422 and "at most 200 characters" in response.content.decode()
    assert not Plan.objects.exists()


def test_import_page_preselects_template_from_library_link(client, editor):
    client.force_login(editor)
    url = reverse("plan_import", args=["apollo"])
    preset = client.get(url + "?kind=template").content.decode()
    assert "checked" in re.search(r'<input[^>]*value="template"[^>]*>', preset).group(0)
    plain = client.get(url).content.decode()
    assert "checked" not in re.search(r'<input[^>]*value="template"[^>]*>', plain).group(0)


def test_import_queries(client, editor, django_assert_max_num_queries):
    text = "# Counted\n\n" + "".join(f"## Part {n}\n\ntext {n}\n\n" for n in range(30))
    client.force_login(editor)
    with django_assert_max_num_queries(13):  # +3: the ledger entry
        response = client.post(url(), {"file": upload(text.encode()), "kind": "plan"})
    assert response.status_code == 302 and Plan.objects.get().sections.count() == 31
