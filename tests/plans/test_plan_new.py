import pytest
from django.urls import reverse

from planhub.exports.markdown import plan_markdown
from planhub.plans.models import Plan, blank_plan_text
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
    assert client.get(new_url(), {"template": str(2**63 - 1)}).status_code == 404
    assert "choose a template" in client.post(new_url(), {}).content.decode()


@pytest.mark.parametrize("value", ["abc", "²", "٣", "-1", "1.5", "0", "1\x00", "9" * 400])
def test_malformed_template_id_is_400(client, editor, value):
    """Only ASCII digits (or "blank"): "²".isdigit() is True but no id (it was a 500)."""
    client.force_login(editor)
    for response in (
        client.get(new_url(), {"template": value}),
        client.post(new_url(), {"template": value, "title": "x"}),
    ):
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        assert response.content.decode().startswith("template: ")
    assert not Plan.objects.exists()


def test_title_placeholders_filled_to_the_limit_make_a_long_title(client, editor, project):
    """Every placeholder of a template's title filled to its 200 characters: a title of 1,000+
    characters (a 500 on PostgreSQL while the title was a 500-character column)."""
    from planhub.plans.models import PlanTemplate

    template = PlanTemplate.create_uploaded(
        project=project, text="# [A] [B] [C] [D] [E]\n\n## Scope\n", name="Five", author=editor
    )
    client.force_login(editor)
    values = {f"placeholder_{i}": letter * 200 for i, letter in enumerate("abcde")}
    response = client.post(new_url(), {"template": template.pk, **values})
    plan = Plan.objects.get()
    title = " ".join(letter * 200 for letter in "abcde")
    assert response.status_code == 302
    assert plan.to_markdown().startswith(f"# {title}\n")
    assert title.startswith(plan.title)  # Plan.create_from_markdown still cuts it at 500


def test_a_placeholder_value_over_its_limit_is_refused_with_the_text_kept(client, editor):
    client.force_login(editor)
    template = builtin_template("feature-plan")
    response = client.post(new_url(), {"template": template.pk, "placeholder_0": "x" * 800})
    assert response.status_code == 422 and "x" * 800 in response.content.decode()
    assert not Plan.objects.exists()


def test_a_long_title_from_the_template_is_accepted_as_it_is(client, editor, project):
    """A template without placeholders offers its own title line: one longer than the typed
    limit is taken unchanged (an imported title is kept), not refused."""
    from planhub.plans.models import PlanTemplate

    title = " ".join(["Long"] * 150)  # 749 characters
    template = PlanTemplate.create_uploaded(
        project=project, text=f"# {title}\n\n## Scope\n", name="Long", author=editor
    )
    client.force_login(editor)
    response = client.post(new_url(), {"template": template.pk, "title": title})
    assert response.status_code == 302
    assert Plan.objects.get().to_markdown().startswith(f"# {title}\n")
    longer = client.post(new_url(), {"template": template.pk, "title": title + "x" * 100})
    assert longer.status_code == 422
    html = longer.content.decode()
    assert "A title is one line of at most 749 characters; this one has 849." in html
    assert "x" * 100 in html


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


def test_an_archived_template_cannot_start_a_plan(client, editor, project):
    from planhub.plans.models import PlanTemplate

    template = PlanTemplate.create_uploaded(
        project=project, text="# Runbook: [Service]\n\n## Alerts\n", name="Runbook", author=editor
    )
    template.set_archived(True, editor)
    client.force_login(editor)
    response = client.get(new_url(), {"template": template.pk}, follow=True)
    assert response.redirect_chain == [(new_url(), 302)]
    assert "The template “Runbook” is archived." in response.content.decode()
    response = client.post(new_url(), {"template": template.pk, "placeholder_0": "X"})
    assert response.status_code == 302 and not Plan.objects.exists()


def test_create_queries(client, editor, django_assert_max_num_queries):
    template = builtin_template("feature-plan")
    client.force_login(editor)
    with django_assert_max_num_queries(13):  # +3: the ledger entry
        response = client.post(new_url(), {"template": template.pk, "placeholder_0": "Counted"})
    assert response.status_code == 302 and Plan.objects.get().title.endswith("Counted")
