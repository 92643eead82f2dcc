import pytest
from django.urls import reverse

from planhub.plans.models import Plan
from tests.factories import builtin_template


def new_url():
    return reverse("plan_new", args=["apollo"])


def test_template_chooser_lists_the_four_builtins(client, editor):
    client.force_login(editor)
    html = client.get(new_url()).content.decode()
    for name in ["Feature plan", "Implementation plan", "Phase plan", "Technical approach"]:
        assert name in html
    assert html.count("Use this template") == 4


@pytest.mark.parametrize(
    ("slug", "data", "title"),
    [
        ("feature-plan", {"placeholder_0": "Team Calendar"}, "Implementation Plan: Team Calendar"),
        (
            "technical-approach-plan",
            {"placeholder_0": "Audit Log"},
            "Implementation Plan: Audit Log - Technical Approach & Architecture",
        ),
        (
            "phase-plan",
            {"placeholder_0": "2", "placeholder_1": "Payments"},
            "Implementation Plan: Phase 2 - Payments",
        ),
        ("implementation-plan", {"title": "Search Rewrite"}, "Search Rewrite"),
    ],
)
def test_create_plan_from_each_builtin(client, editor, slug, data, title):
    template = builtin_template(slug)
    client.force_login(editor)
    form = client.get(new_url(), {"template": template.pk}).content.decode()
    for name in template.title_placeholders():
        assert f"Replaces [{name}] in the plan." in form
    response = client.post(new_url(), {"template": template.pk, **data})
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.title == title and plan.template == template and plan.created_by == editor
    assert plan.to_markdown().splitlines()[0] == f"# {title}"


def test_missing_title_is_422_and_creates_nothing(client, editor):
    client.force_login(editor)
    template = builtin_template("phase-plan")
    response = client.post(new_url(), {"template": template.pk, "placeholder_1": "Payments"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in html and 'value="Payments"' in html
    assert not Plan.objects.exists()


def test_unknown_template_shows_the_chooser(client, editor):
    client.force_login(editor)
    assert client.post(new_url(), {"template": "99999"}).status_code == 404
    assert client.get(new_url(), {"template": "abc"}).status_code == 404
    assert "choose a template" in client.post(new_url(), {}).content.decode()


def test_template_of_another_project_cannot_be_used(client, editor, outsider):
    from planhub.plans.models import PlanTemplate
    from tests.factories import make_project

    other = make_project(owner=outsider, slug="other")
    theirs = PlanTemplate.objects.create(project=other, slug="t", name="Theirs", source="# [T]\n")
    client.force_login(editor)
    html = client.get(new_url()).content.decode()
    assert "Theirs" not in html
    response = client.post(new_url(), {"template": theirs.pk, "placeholder_0": "x"})
    assert response.status_code == 404 and not Plan.objects.exists()
