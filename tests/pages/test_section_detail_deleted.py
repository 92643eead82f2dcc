"""Saving a section someone deleted (or moved, promoted, demoted) while it was open, and closing
its editor. The other writes on a deleted section are in their views' files (restore with
text, task, restore version, preview, structure).

The interleavings here are forced in one thread (the deletion lands between the page load and
the save, or inside the save), so they run on every database; the real races are in
tests/plans/test_concurrency.py (PostgreSQL).
"""

import pytest
from django.urls import reverse

from planhub.plans import restructuring
from planhub.plans.models import Section

from .conftest import HX, MINE, url, versions


def save(client, section, body=MINE, heading="Scope", version=1, **headers):
    data = {"heading": heading, "body": body, "version": version}
    return client.post(url(section), data, **headers)


def test_htmx_save_into_a_deleted_section_keeps_the_editor_and_says_who_and_when(
    client, editor, owner, scope
):
    client.force_login(editor)
    restructuring.delete_section(scope, owner)
    response = save(client, scope, **HX)
    assert response.status_code == 409
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and "<html" not in html
    assert "olivia deleted this section just now" in html and "<time datetime=" in html
    assert f"\n{MINE}</textarea>" in html  # the text, untouched
    assert 'name="version" value="1"' in html  # still the version the text was written on
    assert "Restore the section with my text" in html and "Copy my text" in html
    assert "select it in the box below and copy it" in html  # the way without JavaScript
    assert "data-unsaved" in html  # Cancel asks before throwing the text away
    assert versions(scope) == [(1, "olivia", "")]  # nothing saved
    assert Section.all_objects.get(pk=scope.pk).deleted_at is not None


def test_plain_save_into_a_deleted_section_is_a_409_page_with_the_text(
    client, editor, owner, scope
):
    client.force_login(editor)
    restructuring.delete_section(scope, owner)
    response = save(client, scope)
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html and "Page not found" not in html
    assert "olivia deleted this section" in html and MINE in html
    restore = url(scope, "section_restore_with_text")
    assert f'formaction="{restore}"' in html  # the restore button works without JavaScript


def test_invalid_save_into_a_deleted_section_still_says_it_was_deleted(
    client, editor, owner, scope
):
    client.force_login(editor)
    restructuring.delete_section(scope, owner)
    response = save(client, scope, heading="", **HX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "olivia deleted this section" in html and MINE in html


def test_a_deletion_landing_during_the_save_is_answered_the_same(
    client, editor, owner, scope, monkeypatch
):
    """The view found the section live; the deletion commits before the save locks it."""
    original = Section.save_edit

    def deleted_first(self, **kwargs):
        restructuring.delete_section(self, owner)
        return original(self, **kwargs)

    monkeypatch.setattr(Section, "save_edit", deleted_first)
    client.force_login(editor)
    response = save(client, scope, **HX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "olivia deleted this section" in html and f"\n{MINE}</textarea>" in html
    assert versions(scope) == [(1, "olivia", "")]


# --- moved, promoted or demoted meanwhile: the save lands -------------------------------------


def test_save_of_a_section_moved_meanwhile_saves_normally(client, editor, owner, scoped_doc, scope):
    restructuring.move(scope, owner, up=False)
    client.force_login(editor)
    response = save(client, scope, **HX)
    assert response.status_code == 200 and "Merged" not in response.content.decode()
    section = Section.objects.get(pk=scope.pk)
    assert section.editable_body == MINE
    assert [s.heading for s in scoped_doc.sections.all()][1:] == ["Risks", "Scope", "Tasks"]


@pytest.mark.parametrize("deeper", [True, False], ids=["demoted", "promoted"])
def test_save_of_a_section_re_levelled_meanwhile_merges_and_keeps_both(
    client, editor, owner, scope, deeper
):
    restructuring.change_level(scope, owner, deeper=deeper)
    client.force_login(editor)
    response = save(client, scope, heading="Scope, renamed", version=1, **HX)
    assert response.status_code == 200
    assert "Merged with olivia&#x27;s change." in response.content.decode()
    section = Section.objects.get(pk=scope.pk)
    level = 3 if deeper else 1
    assert section.level == level and section.heading == "Scope, renamed"
    assert section.heading_source.startswith("#" * level + " Scope, renamed")
    assert section.editable_body == MINE
    notes = [note for _, _, note in versions(scope)]
    assert notes[1] == f"Level {level} heading (was 2)"
    assert notes[2] == "Merged with olivia's version 2"
    assert [v for v, _, _ in versions(scope)] == [1, 2, 3]


def test_closing_the_editor_of_a_deleted_section_says_what_happened(client, editor, owner, scope):
    restructuring.delete_section(scope, owner)
    client.force_login(editor)
    response = client.get(url(scope), **HX)  # Cancel, after the deletion
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="section-{scope.pk}"' in html
    assert "“Scope” was deleted by olivia" in html
    assert reverse("plan_activity", args=[scope.plan.project.slug, scope.plan_id]) in html
    plain = client.get(url(scope))
    assert plain.status_code == 302 and plain.url.endswith("/activity/")
