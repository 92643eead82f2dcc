"""Adding, moving, re-levelling and deleting sections from the plan page."""

import pytest
from django.urls import reverse

from planhub.plans import restructuring
from planhub.plans.models import Section, StructureChange
from tests.factories import make_plan

from .conftest import HX, section, url


def test_add_move_level_delete_restore(client, doc, editor):
    client.force_login(editor)
    scope = section(doc, "Scope")
    response = client.post(url(scope, "section_structure"), {"action": "add_after"})
    new = Section.objects.get(plan=doc, heading="New section")
    assert response["Location"] == f"{doc.get_absolute_url()}?edit={new.pk}#section-{new.pk}"
    assert (
        "## Scope\n\nline one\nline two\nline three\n\n## New section\n\n## Risks"
        in doc.to_markdown()
    )
    client.post(url(new, "section_structure"), {"action": "demote"})
    client.post(url(section(doc, "New section"), "section_structure"), {"action": "move_down"})
    assert doc.to_markdown().endswith("- [x] alerts\n### New section\n\n")
    client.post(url(scope, "section_structure"), {"action": "delete"})
    assert "## Scope" not in doc.to_markdown()
    html = client.get(reverse("plan_activity", args=["apollo", doc.pk])).content.decode()
    assert (
        "Deleted sections" in html and "deleted “Scope”" in html and "added “New section”" in html
    )
    client.post(reverse("section_restore", args=["apollo", doc.pk, scope.pk]))
    assert "## Scope\n\nline one" in doc.to_markdown()
    actions = list(StructureChange.objects.values_list("action", flat=True).order_by("pk"))
    assert actions == ["added", "demoted", "moved_down", "deleted", "restored"]


def test_add_and_move_next_to_a_very_long_heading(client, project, owner, editor):
    """The outline change's note quotes the neighbour's heading: over 300 characters it was
    longer than its column (a 500 on PostgreSQL)."""
    heading = "H" * 2000
    plan = make_plan(project, owner, text=f"# Plan\n\n## {heading}\n\ntext\n\n## Next\n\nmore\n")
    long = section(plan, heading)
    client.force_login(editor)
    assert client.post(url(long, "section_structure"), {"action": "add_after"}).status_code == 302
    new = section(plan, "New section")
    assert client.post(url(new, "section_structure"), {"action": "move_up"}).status_code == 302
    notes = list(StructureChange.objects.order_by("pk").values_list("detail", flat=True))
    assert notes == [f"after “{heading}”", f"above “{heading}”"]
    assert plan.to_markdown().startswith(f"# Plan\n\n## New section\n\n## {heading}\n")


@pytest.mark.parametrize("action", ["demote", "promote", "move_up", "move_down", "add_after"])
def test_outline_change_of_a_deleted_section_is_refused_with_a_message(
    client, editor, owner, scoped_doc, scope, action
):
    restructuring.delete_section(scope, owner)
    client.force_login(editor)
    response = client.post(url(scope, "section_structure"), {"action": action}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "olivia deleted “Scope” just now. Nothing was changed" in html
    section = Section.all_objects.get(pk=scope.pk)
    assert (section.version, section.level, section.position) == (1, 2, scope.position)
    assert scoped_doc.sections.count() == 3


def test_htmx_change_reloads_the_page_at_the_new_section(client, doc, editor):
    client.force_login(editor)
    response = client.post(
        url(section(doc, "Scope"), "section_structure"), {"action": "add_after"}, **HX
    )
    new = Section.objects.get(plan=doc, heading="New section")
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{doc.get_absolute_url()}?edit={new.pk}#section-{new.pk}"


def test_unknown_change_is_refused_with_a_message_and_changes_nothing(client, doc, editor):
    client.force_login(editor)
    before = doc.to_markdown()
    response = client.post(
        url(section(doc, "Scope"), "section_structure"), {"action": "explode"}, follow=True
    )
    assert "Unknown change: choose one of the section menu&#x27;s entries." in response.text
    assert doc.to_markdown() == before and not StructureChange.objects.exists()


def test_structure_change_queries(client, doc, editor, django_assert_max_num_queries):
    client.force_login(editor)
    with django_assert_max_num_queries(18):  # +3: the ledger entry
        response = client.post(
            url(section(doc, "Scope"), "section_structure"), {"action": "move_down"}
        )
    assert response.status_code == 302
    assert [s.heading for s in doc.sections.all()][1:] == ["Risks", "Scope"]
