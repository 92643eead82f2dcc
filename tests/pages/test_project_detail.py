"""The project page's plans list: filters (status, template, active/archived), sorts, the count
and empty states, the HTMX partial, and archiving / unarchiving plans."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planhub.plans.models import PlanTemplate
from tests.factories import builtin_template, make_plan, make_project

HX = {"HTTP_HX_REQUEST": "true"}


def list_url(**query):
    url = reverse("project_detail", args=["apollo"])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def listed(html: str) -> list[str]:
    """Plan titles in the list, in order."""
    table = html.split('id="plan-list"', 1)[1].split("</table>", 1)[0]
    return [
        part.split(">", 1)[1].split("</a>", 1)[0]
        for part in table.split('<td class="plan-title"><a href="/p/apollo/plans/')[1:]
    ]


def test_default_list_is_active_plans_recently_updated_first(client, viewer, plans):
    client.force_login(viewer)
    html = client.get(list_url()).text
    assert listed(html) == [
        "Bravo draft",
        "Alpha in review",
        "Charlie approved",
        plans["template"].title,
        "Delta blank",
    ]
    assert "<strong>5 plans</strong>" in html and "Clear filters" not in html
    for name in ("Blank", "Imported", "Phase plan"):
        assert f'<td data-label="Template">{name}</td>' in html
    # Labelled controls, a plain GET form with a submit button.
    for field in ("status", "template", "sort", "show"):
        assert f'<label for="id_{field}">' in html
    assert '<form method="get" action="/p/apollo/"' in html and ">Apply</button>" in html


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("draft", ["Bravo draft", "TEMPLATE", "Delta blank"]),
        ("in_review", ["Alpha in review"]),
        ("approved", ["Charlie approved"]),
    ],
)
def test_filter_by_status(client, viewer, plans, status, expected):
    client.force_login(viewer)
    html = client.get(list_url(status=status)).text
    expected = [plans["template"].title if t == "TEMPLATE" else t for t in expected]
    assert listed(html) == expected
    word = "plan matches" if len(expected) == 1 else "plans match"
    assert (
        f"<strong>{len(expected)} {word.split()[0]}</strong> {word.split()[1]} these filters"
        in html
    )
    assert f'<option value="{status}" selected>' in html  # the state is kept


def test_filter_by_template(client, viewer, plans):
    client.force_login(viewer)
    phase = builtin_template("phase-plan")
    assert listed(client.get(list_url(template=phase.pk)).text) == [plans["template"].title]
    assert listed(client.get(list_url(template="blank")).text) == ["Delta blank"]
    assert listed(client.get(list_url(template="imported")).text) == [
        "Bravo draft",
        "Alpha in review",
        "Charlie approved",
    ]


def test_template_filter_offers_every_template_including_archived(client, viewer, project, plan):
    mine = PlanTemplate.create_uploaded(project=project, text="# Mine\n", name="Mine")
    mine.set_archived(True)
    client.force_login(viewer)
    html = client.get(list_url()).text
    select = html.split('name="template"', 1)[1].split("</select>", 1)[0]
    for name in (
        "Any template",
        "Feature plan",
        "Phase plan",
        "Mine (archived)",
        "Blank",
        "Imported",
    ):
        assert f">{name}</option>" in select


def test_combined_filters_and_sorts(client, viewer, plans):
    client.force_login(viewer)
    html = client.get(list_url(status="draft", template="imported")).text
    assert listed(html) == ["Bravo draft"]
    oldest = listed(client.get(list_url(sort="oldest")).text)
    assert oldest[0] == "Delta blank" and oldest[-1] == "Bravo draft"
    by_title = listed(client.get(list_url(sort="title")).text)
    assert by_title == sorted(by_title, key=str.lower) and by_title[0] == "Alpha in review"


def test_no_match_has_its_own_empty_state(client, viewer, plans):
    client.force_login(viewer)
    html = client.get(list_url(status="approved", template="blank")).text
    assert "No plans match these filters — " in html
    assert '<a href="/p/apollo/">clear filters</a>' in html
    assert "No plans in this project yet." not in html


def test_project_without_plans_keeps_its_first_plan_invitation(client, editor, project):
    client.force_login(editor)
    html = client.get(list_url(status="draft")).text
    assert "No plans in this project yet." in html and "No plans match" not in html
    assert 'class="plan-filters"' not in html  # nothing to filter


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"status": "changes_requested"},  # a section status, not a plan's
        {"template": "999999"},
        {"template": "x';--"},
        {"sort": "-pk"},
        {"show": "everything"},
        {"template": "²"},
        {"template": "9" * 400},
        {"status": "draft\x00"},
        {"sort": "x" * 200_000},
    ],
)
def test_bad_values_are_reported_and_treated_as_any(client, viewer, plans, query):
    client.force_login(viewer)
    response = client.get(list_url(**query))
    assert response.status_code == 200
    assert "Select a valid choice." in response.text and "Showing any." in response.text
    assert len(listed(response.text)) == 5


def test_another_projects_template_is_not_a_filter(client, owner, plans):
    other = make_project(owner=owner, slug="bravo")
    theirs = PlanTemplate.create_uploaded(project=other, text="# Secret T\n", name="Secret T")
    client.force_login(owner)
    html = client.get(list_url(template=theirs.pk)).text
    assert "Secret T" not in html and len(listed(html)) == 5


def test_htmx_gets_only_the_list(client, viewer, plans):
    client.force_login(viewer)
    response = client.get(list_url(status="in_review"), **HX)
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div id="plan-list"') and "<html" not in html
    assert listed(html) == ["Alpha in review"]


def test_form_swaps_the_list_with_htmx(client, viewer, plans):
    client.force_login(viewer)
    html = client.get(list_url()).text
    assert 'hx-get="/p/apollo/"' in html and 'hx-target="#plan-list"' in html
    assert 'hx-push-url="true"' in html


# --- Archiving ---------------------------------------------------------------------------------


def test_editors_see_archive_buttons_viewers_do_not(client, editor, viewer, plans):
    client.force_login(editor)
    html = client.get(list_url()).text
    assert html.count('value="archive"') == 5
    assert f'aria-label="Archive {plans["blank"].title}"' in html
    client.force_login(viewer)
    assert 'value="archive"' not in client.get(list_url()).text


# --- Queries ------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "query",
    [{}, {"status": "draft"}, {"template": "imported", "sort": "title"}, {"show": "archived"}],
)
def test_queries_do_not_grow_with_plans(
    client, editor, owner, project, query, django_assert_max_num_queries
):
    for number in range(3):
        plan = make_plan(project, owner, text="# Few\n\n## A\n\n## B\n")
        if number == 0:
            plan.set_archived(True, owner)
    client.force_login(editor)
    few = count_queries(client, list_url(**query))
    for number in range(27):
        plan = make_plan(project, owner, text="# Many\n\n## A\n\n## B\n")
        if number % 3 == 0:
            plan.set_archived(True, owner)
    with django_assert_max_num_queries(few):
        client.get(list_url(**query))
    assert count_queries(client, list_url(**query)) == few


def test_project_page_lists_plans_and_members(client, viewer, plan):
    client.force_login(viewer)
    html = client.get(reverse("project_detail", args=["apollo"])).content.decode()
    assert plan.title in html and "olivia" in html and "victor" in html
    assert "New plan" not in html  # viewers cannot create plans


def test_project_page_empty_state_invites_editors(client, editor, project):
    client.force_login(editor)
    html = client.get(reverse("project_detail", args=["apollo"])).content.decode()
    assert "No plans in this project yet." in html and "Start the first plan" in html
