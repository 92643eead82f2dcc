"""GitHub's heading anchors on the plan page, and plain text wherever a heading or the title is
named (outline, tab title, breadcrumbs, dashboard): what a KEP's own table of contents needs."""

import re

import pytest

from planhub.pages.section_display import heading_slug
from tests.factories import make_plan

from .conftest import HX, url

KEP = (
    "# KEP-1234: `{METHOD} {path}` *routing*\n\n"
    "- [Summary](#summary)\n- [Goals](#goals)\n- [Upgrade](#upgrade--downgrade-strategy)\n\n"
    "## Summary\n\nText.\n\n"
    "## Goals\n\nFirst goals.\n\n"
    "## Notes/Constraints/Caveats (Optional)\n\nCareful.\n\n"
    "## Upgrade / Downgrade Strategy\n\nSteps.\n\n"
    "### Goals\n\nGoals again.\n\n"
    "## The `{METHOD} {path}` call <b>bold</b>\n\nBody.\n\n"
    "## Summary\n\nA second summary.\n"
)


@pytest.fixture
def kep(project, owner):
    return make_plan(project, owner, text=KEP)


def page(client, plan) -> str:
    return client.get(plan.get_absolute_url()).content.decode()


def test_each_heading_has_its_github_anchor_and_keeps_the_app_ids(client, viewer, kep):
    client.force_login(viewer)
    html = page(client, kep)
    anchors = re.findall(
        r'<a id="user-content-([^"]*)" class="heading-anchor" href="#([^"]*)"', html
    )
    assert [a for a, _ in anchors] == [b for _, b in anchors]  # each links to itself
    assert [a for a, _ in anchors] == [
        "kep-1234-method-path-routing",
        "summary",
        "goals",
        "notesconstraintscaveats-optional",
        "upgrade--downgrade-strategy",
        "goals-1",
        "the-method-path-call-bold",
        "summary-1",
    ]
    goals = kep.sections.get(heading="Goals", level=2)
    assert f'id="heading-{goals.pk}"' in html and f'id="section-{goals.pk}"' in html
    # The link has an accessible name; the heading keeps its own (aria-labelledby).
    assert 'aria-label="Link to this section: Notes/Constraints/Caveats (Optional)"' in html


def test_outline_tab_title_and_breadcrumbs_show_plain_text(client, viewer, kep):
    client.force_login(viewer)
    html = page(client, kep)
    outline = html[html.index('id="outline"') : html.index("</nav>", html.index('id="outline"'))]
    assert ">The {METHOD} {path} call bold</a>" in outline
    assert "`" not in outline and "&lt;b&gt;" not in outline and "<b>" not in outline
    assert "<title>KEP-1234: {METHOD} {path} routing" in html
    assert '› <span dir="auto">KEP-1234: {METHOD} {path} routing</span></nav>' in html
    # The H1 itself shows the rendered heading, as GitHub does.
    assert "<code>{METHOD} {path}</code> <em>routing</em></h1>" in html


def test_headings_and_outline_entries_take_their_direction_from_their_text(client, viewer, kep):
    client.force_login(viewer)
    html = page(client, kep)
    assert re.search(
        r'<div class="heading-line" dir="auto">\s*'
        r'<h2 id="heading-\d+" class="section-heading">Summary</h2>',
        html,
    )
    assert html.count('dir="auto">Summary</a>') == 2  # outline entries


def test_a_section_swapped_in_after_a_save_keeps_its_anchor(client, editor, kep):
    second_goals = kep.sections.get(heading="Goals", level=3)
    second_goals.plan = kep
    client.force_login(editor)
    data = {"heading": "Goals", "body": "Edited goals.", "version": 1}
    html = client.post(url(second_goals), data, **HX).content.decode()
    assert 'id="user-content-goals-1" class="heading-anchor" href="#goals-1"' in html
    assert heading_slug(second_goals) == "goals-1"
    # Shown alone (HTMX GET), the same anchor as on the page.
    html = client.get(url(second_goals), **HX).content.decode()
    assert 'id="user-content-goals-1"' in html


def test_renaming_a_heading_renumbers_the_later_duplicates(client, editor, kep):
    first_goals = kep.sections.get(heading="Goals", level=2)
    first_goals.plan = kep
    client.force_login(editor)
    data = {"heading": "Aims", "body": "First goals.", "version": 1}
    assert client.post(url(first_goals), data, **HX).status_code == 200
    html = page(client, kep)
    assert 'id="user-content-aims"' in html and 'id="user-content-goals"' in html
    assert "user-content-goals-1" not in html


def test_a_heading_cannot_take_an_app_id(client, viewer, project, owner):
    plan = make_plan(project, owner, text="# Plan\n\n## section-1\n\n## outline\n")
    client.force_login(viewer)
    html = page(client, plan)
    assert 'id="user-content-section-1"' in html and 'id="user-content-outline"' in html
    assert html.count('id="outline"') == 1


def test_dashboard_lists_plain_titles(client, owner, project):
    plan = make_plan(project, owner, text="# Use `{x}` <i>now</i>\n\n## A\n")
    client.force_login(owner)
    html = client.get(project.get_absolute_url()).content.decode()
    assert f'{plan.get_absolute_url()}">Use {{x}} now</a>' in html
