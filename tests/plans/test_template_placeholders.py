"""Placeholder syntaxes by template: proposed on upload, changed on the template's page, used
by the plans made from it (and kept by them when the template changes)."""

import re

import pytest
from django.urls import reverse

from planhub.plans.models import Plan, PlanTemplate
from tests.factories import builtin_template

from .conftest import detail_url

DECISION_RECORD = """\
# {short title of the decision}

## Context

{Describe the context.} Owner: {owner}. See [the guide](https://example.com).

## Options

* {option 1}
* {option 2}

```mermaid
graph TD
    A[Invoice] --> B{Paid?}
```
"""


def syntaxes_url(template, slug="apollo"):
    return reverse("template_placeholders", args=[slug, template.pk])


@pytest.fixture
def decision(project, editor):
    return PlanTemplate.create_uploaded(
        project=project, text=DECISION_RECORD, name="Decision record", author=editor
    )


def plan_count(plan) -> int:
    return sum(s.placeholder_count for s in plan.sections.all())


def test_an_uploaded_curly_template_is_proposed_curly_and_its_plans_count_them(
    decision, project, editor
):
    assert decision.placeholder_syntaxes == ["needs_clarification", "curly"]
    assert decision.placeholder_counts["chosen"] == 5
    assert decision.placeholder_counts["curly"] == 5 and decision.placeholder_counts["square"] == 0
    assert decision.title_placeholders() == ["short title of the decision"]
    plan = Plan.create_from_template(
        project=project,
        template=decision,
        author=editor,
        values={"short title of the decision": "Use Postgres"},
    )
    assert plan.title == "Use Postgres"
    assert plan.placeholder_syntaxes == ["needs_clarification", "curly"]
    assert plan_count(plan) == 4  # the title was filled; the mermaid block never counts


def test_an_imported_plan_without_template_gets_syntaxes_from_its_text(project, editor):
    plan = Plan.create_from_markdown(
        project=project, text=DECISION_RECORD, author=editor, origin="Imported from “adr.md”"
    )
    assert plan.placeholder_syntaxes == ["needs_clarification", "curly"]
    assert plan_count(plan) == 5


def test_editing_a_section_counts_with_the_plans_syntaxes(decision, project, editor):
    plan = Plan.create_from_template(
        project=project,
        template=decision,
        author=editor,
        values={"short title of the decision": "X"},
    )
    options = plan.sections.get(heading="Options")
    options.plan = plan
    options.save_edit(
        author=editor,
        heading="Options",
        body="* {option 1}\n* [not counted here]\n",
        base_version=options.version,
    )
    options.refresh_from_db()
    assert options.placeholder_count == 1


def test_owner_changes_syntaxes_and_old_plans_keep_theirs(client, owner, decision, project):
    old_plan = Plan.create_from_template(
        project=project,
        template=decision,
        author=owner,
        values={"short title of the decision": "A"},
    )
    client.force_login(owner)
    response = client.post(syntaxes_url(decision), {"syntaxes": ["square"]})
    assert response.status_code == 302 and response.url == detail_url(decision)
    decision.refresh_from_db()
    assert decision.placeholder_syntaxes == ["square"]
    assert decision.placeholder_counts["chosen"] == 0
    old_plan.refresh_from_db()
    assert old_plan.placeholder_syntaxes == ["needs_clarification", "curly"]
    assert plan_count(old_plan) == 4
    page = client.get(detail_url(decision)).content.decode()
    assert "Plans made from it before keep theirs." in page


def test_the_form_shows_each_kind_with_its_count(client, editor, decision):
    client.force_login(editor)
    html = client.get(detail_url(decision)).content.decode()
    assert "Save placeholder kinds" in html
    assert '<code>{short title}</code> <span class="muted syntax-count">5 in this template' in html
    assert 'value="curly" id="id_syntaxes_2" checked' in html
    assert 'value="square" id="id_syntaxes_0" checked' not in html


def test_htmx_save_returns_the_panel_alone(client, editor, decision):
    client.force_login(editor)
    response = client.post(
        syntaxes_url(decision), {"syntaxes": ["curly", "angle"]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="placeholder-syntaxes"')
    assert "count 5 placeholders" in html and "<h1>" not in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choose at least one kind of placeholder."),
        ({"syntaxes": ["curly", "hexagonal"]}, "“hexagonal” is not a kind of placeholder"),
        ({"syntaxes": ["\x00"]}, "is not a kind of placeholder"),
    ],
)
def test_bad_input_is_refused_and_keeps_what_was_typed(client, editor, decision, data, error):
    client.force_login(editor)
    response = client.post(syntaxes_url(decision), {**data, "syntaxes": data.get("syntaxes", [])})
    assert response.status_code == 422
    html = response.content.decode()
    assert error in html
    if "curly" in data.get("syntaxes", []):
        assert re.search(r'value="curly" id="id_syntaxes_2"[^>]* checked>', html)  # as typed
    decision.refresh_from_db()
    assert decision.placeholder_syntaxes == ["needs_clarification", "curly"]


def test_viewers_and_reviewers_may_not_change_syntaxes(client, viewer, reviewer, decision):
    for user in (viewer, reviewer):
        client.force_login(user)
        assert client.post(syntaxes_url(decision), {"syntaxes": ["square"]}).status_code == 403
        html = client.get(detail_url(decision)).content.decode()
        assert "Save placeholder kinds" not in html and "<code>{short title}</code>" in html
    decision.refresh_from_db()
    assert decision.placeholder_syntaxes == ["needs_clarification", "curly"]


def test_built_in_templates_are_fixed(client, owner, project):
    template = builtin_template("phase-plan")
    client.force_login(owner)
    assert client.post(syntaxes_url(template), {"syntaxes": ["curly"]}).status_code == 404
    template.refresh_from_db()
    assert template.placeholder_syntaxes == ["square", "needs_clarification"]
    html = client.get(detail_url(template)).content.decode()
    assert "Built-in templates are fixed." in html and "Save placeholder kinds" not in html
    assert "<strong>55</strong>" in html


def test_another_projects_template_is_not_found(client, owner, decision):
    from tests.factories import make_project

    other = make_project(owner, slug="zeus", name="Zeus")
    client.force_login(owner)
    assert client.post(syntaxes_url(decision, "zeus"), {"syntaxes": ["square"]}).status_code == 404
    assert other.slug == "zeus"


def test_get_is_not_allowed(client, owner, decision):
    client.force_login(owner)
    assert client.get(syntaxes_url(decision)).status_code == 405


def test_save_as_template_keeps_the_plans_syntaxes(client, editor, decision, project):
    plan = Plan.create_from_template(
        project=project,
        template=decision,
        author=editor,
        values={"short title of the decision": "B"},
    )
    client.force_login(editor)
    response = client.post(
        reverse("plan_save_as_template", args=["apollo", plan.pk]), {"name": "ADR copy"}
    )
    assert response.status_code == 302
    copy = PlanTemplate.objects.get(name="ADR copy")
    assert copy.placeholder_syntaxes == ["needs_clarification", "curly"]


def test_the_new_plan_form_asks_for_curly_title_placeholders(client, editor, decision):
    client.force_login(editor)
    url = reverse("plan_new", args=["apollo"]) + f"?template={decision.pk}"
    html = client.get(url).content.decode()
    assert "Replaces {short title of the decision} in the plan." in html
