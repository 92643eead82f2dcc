"""A blank plan: the chooser's “Blank plan” card asks for a title only."""

import pytest
from django.urls import reverse

from planhub.exports.markdown import plan_markdown
from planhub.plans.models import Plan, blank_plan_text


def new_url():
    return reverse("plan_new", args=["apollo"])


def test_chooser_offers_a_blank_plan(client, editor):
    client.force_login(editor)
    html = client.get(new_url()).text
    assert "Blank plan" in html and 'href="?template=blank"' in html
    # The four built-ins; the blank card is not one.
    assert html.count('>Use this template<span class="visually-hidden"> for ') == 4


def test_blank_form_asks_only_for_a_title(client, editor):
    client.force_login(editor)
    response = client.get(new_url(), {"template": "blank"})
    assert response.status_code == 200
    assert "New blank plan" in response.text
    assert 'name="title"' in response.text and 'name="placeholder_0"' not in response.text
    assert 'name="template" value="blank"' in response.text


def test_create_a_blank_plan(client, editor, project):
    client.force_login(editor)
    response = client.post(new_url(), {"template": "blank", "title": "  Search rewrite  "})
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.title == "Search rewrite" and plan.template is None and plan.started_blank
    assert plan.created_by == editor and plan.template_label == "Blank"
    assert [(s.level, s.heading, s.body) for s in plan.sections.all()] == [
        (1, "Search rewrite", "\n"),
        (2, "Overview", ""),
    ]
    assert plan.to_markdown() == "# Search rewrite\n\n## Overview\n"
    assert plan_markdown(plan, plain=True) == plan.to_markdown()
    page = client.get(plan.get_absolute_url())
    assert "Started blank" in page.text and "Blank plan “Search rewrite” created." in page.text
    # The project page (and the dashboard) call its template “Blank”.
    assert '<td data-label="Template">Blank</td>' in client.get(project.get_absolute_url()).text
    assert "<td>Blank</td>" in client.get("/").text


def test_blank_plan_round_trips_through_import(editor, project):
    plan = Plan.create_blank(project=project, title="Round trip", author=editor)
    again = Plan.create_from_markdown(project=project, text=plan.to_markdown(), author=editor)
    assert again.to_markdown() == plan.to_markdown() == blank_plan_text("Round trip")


def test_blank_plan_is_editable_and_exportable(client, editor, project):
    plan = Plan.create_blank(project=project, title="Edit me", author=editor)
    overview = plan.sections.get(heading="Overview")
    client.force_login(editor)
    url = reverse("section_detail", args=["apollo", plan.pk, overview.pk])
    response = client.post(url, {"heading": "Overview", "body": "Why we do it.", "version": 1})
    assert response.status_code == 302
    assert plan.to_markdown() == "# Edit me\n\n## Overview\n\nWhy we do it.\n\n"
    export = client.get(reverse("export_md", args=["apollo", plan.pk]) + "?plain=1")
    assert export.status_code == 200 and export.content.decode() == plan.to_markdown()
    full = client.get(reverse("export_md", args=["apollo", plan.pk])).content.decode()
    assert "## Sign-off" in full and "Plan approval" in full  # the default sign-off slot


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("##", "Give the plan a title with words in it."),
        ("Two\nlines", "Use a single line."),
    ],
)
def test_bad_title_is_422_and_creates_nothing(client, editor, title, message):
    client.force_login(editor)
    response = client.post(new_url(), {"template": "blank", "title": title})
    assert response.status_code == 422 and message in response.text
    assert "New blank plan" in response.text
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 403), ("reviewer", 403), ("outsider", 404)]
)
def test_only_editors_and_owners_create_blank_plans(client, members, role, status):
    client.force_login(members[role])
    assert client.get(new_url(), {"template": "blank"}).status_code == status
    assert client.post(new_url(), {"template": "blank", "title": "No"}).status_code == status
    assert not Plan.objects.exists()
