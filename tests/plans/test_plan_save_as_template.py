"""“Save as template” on the plan page: the plan's plain Markdown becomes a project template."""

import pytest
from django.urls import reverse

from planhub.exports.markdown import plan_markdown
from planhub.plans.models import Plan, PlanTemplate
from tests.factories import make_plan, make_project

PLAN_TEXT = "# Payments revamp\n\n## Goals\n\nFaster.\n\n## Approvals\n\n- **Tech lead**: [Name]\n"


def save_url(plan):
    return reverse("plan_save_as_template", args=[plan.project.slug, plan.pk])


@pytest.fixture
def source_plan(project, owner):
    return make_plan(project, author=owner, text=PLAN_TEXT)


def test_plan_page_offers_save_as_template_to_editors_only(client, editor, viewer, source_plan):
    client.force_login(editor)
    assert f'href="{save_url(source_plan)}"' in client.get(source_plan.get_absolute_url()).text
    client.force_login(viewer)
    assert "Save as template" not in client.get(source_plan.get_absolute_url()).text


def test_save_as_template_creates_a_project_template(client, editor, source_plan):
    section = source_plan.sections.get(heading="Goals")
    section.plan = source_plan
    section.save_edit(author=editor, heading="Goals", body="Faster and cheaper.", base_version=1)
    client.force_login(editor)
    form = client.get(save_url(source_plan))
    assert form.status_code == 200 and "Save “Payments revamp” as a template" in form.text
    response = client.post(
        save_url(source_plan), {"name": "Payments plan", "description": "Our payments shape."}
    )
    template = PlanTemplate.objects.get(project=source_plan.project, name="Payments plan")
    assert response.status_code == 302
    assert response["Location"] == reverse("template_detail", args=["apollo", template.pk])
    assert template.slug == "payments-plan" and template.created_by == editor
    assert template.description == "Our payments shape."
    # The plain export: what was written, without the generated sign-off table.
    assert template.source == plan_markdown(source_plan, plain=True)
    assert "Faster and cheaper." in template.source and "planhub:signoff" not in template.source
    assert "Sign-off" not in template.source
    page = client.get(response["Location"])
    assert "Saved “Payments revamp” as the template “Payments plan”" in page.text


def test_a_new_plan_from_the_saved_template_has_the_same_outline(client, editor, source_plan):
    client.force_login(editor)
    client.post(save_url(source_plan), {"name": "Payments plan"})
    template = PlanTemplate.objects.get(name="Payments plan")
    response = client.post(
        reverse("plan_new", args=["apollo"]), {"template": template.pk, "title": "Refunds"}
    )
    plan = Plan.objects.get(title="Refunds")
    assert response["Location"] == plan.get_absolute_url() and plan.template == template
    assert [(s.level, s.heading) for s in plan.sections.all()][1:] == [
        (s.level, s.heading) for s in source_plan.sections.all()
    ][1:]
    assert plan.to_markdown() == PLAN_TEXT.replace("Payments revamp", "Refunds")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Give the template a name."),
        ({"name": "   "}, "Give the template a name."),
        ({"name": "Two\nlines"}, "Use a single line."),
        ({"name": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"name": "feature PLAN"}, "already has a template named “Feature plan”"),
    ],
)
def test_bad_input_is_422_and_creates_nothing(client, editor, source_plan, data, message):
    client.force_login(editor)
    response = client.post(save_url(source_plan), {"description": "kept", **data})
    assert response.status_code == 422
    assert message in response.text and "kept</textarea>" in response.text
    assert not PlanTemplate.objects.filter(project=source_plan.project).exists()


def test_an_archived_templates_name_is_taken_too(client, editor, source_plan):
    old = PlanTemplate.create_uploaded(project=source_plan.project, text="# Old\n", name="Old")
    old.set_archived(True, editor)
    client.force_login(editor)
    response = client.post(save_url(source_plan), {"name": "old"})
    assert response.status_code == 422 and "“Old” (archived)" in response.text


def test_same_slug_gets_a_suffix(client, editor, source_plan):
    client.force_login(editor)
    client.post(save_url(source_plan), {"name": "Payments!"})
    client.post(save_url(source_plan), {"name": "Payments?"})
    slugs = PlanTemplate.objects.filter(project=source_plan.project).values_list("slug", flat=True)
    assert sorted(slugs) == ["payments", "payments-2"]


def test_another_projects_template_name_is_free(client, editor, source_plan, owner):
    other = make_project(owner=owner, slug="bravo")
    PlanTemplate.create_uploaded(project=other, text="# X\n", name="Payments plan")
    client.force_login(editor)
    assert client.post(save_url(source_plan), {"name": "Payments plan"}).status_code == 302


def test_archived_plan_can_be_saved_as_template(client, editor, source_plan):
    source_plan.set_archived(True, editor)
    client.force_login(editor)
    assert client.post(save_url(source_plan), {"name": "From archive"}).status_code == 302


def test_save_as_template_queries(client, editor, source_plan, django_assert_max_num_queries):
    client.force_login(editor)
    with django_assert_max_num_queries(8):
        response = client.post(save_url(source_plan), {"name": "Counted"})
    assert response.status_code == 302 and PlanTemplate.objects.filter(name="Counted").exists()
