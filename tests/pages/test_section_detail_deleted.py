"""Writes into a section someone deleted (or moved, promoted, demoted) while it was open.

The interleavings here are forced in one thread (the deletion lands between the page load and
the save, or inside the save), so they run on every database; the real races are in
test_concurrency.py (PostgreSQL).
"""

import pytest
from django.urls import reverse

from planhub.plans import restructuring
from planhub.plans.models import Section, SectionDeleted, StructureAction, StructureChange
from tests.factories import make_plan

HX = {"HTTP_HX_REQUEST": "true"}
TEXT = (
    "# Plan\n\n"
    "## Scope\n\nline one\nline two\nline three\nline four\nline five\n\n"
    "## Risks\n\nrisk text\n\n"
    "## Tasks\n\n- [ ] write it\n"
)
MINE = "line one\nline two, as I wrote it\nline three\nline four\nline five"


@pytest.fixture
def doc(project, owner):
    return make_plan(project, author=owner, text=TEXT)


@pytest.fixture
def scope(doc):
    return doc.sections.get(heading="Scope")


def url(section, name="section_detail"):
    return reverse(name, args=[section.plan.project.slug, section.plan_id, section.pk])


def save(client, section, body=MINE, heading="Scope", version=1, **headers):
    data = {"heading": heading, "body": body, "version": version}
    return client.post(url(section), data, **headers)


def restore_with_text(client, section, body=MINE, heading="Scope", version=1, **headers):
    data = {"heading": heading, "body": body, "version": version}
    return client.post(url(section, "section_restore_with_text"), data, **headers)


def delete(section, by):
    restructuring.delete_section(section, by)


def versions(section):
    return list(
        Section.all_objects.get(pk=section.pk)
        .revisions.order_by("version")
        .values_list("version", "author__username", "note")
    )


# --- saving into a deleted section ------------------------------------------------------------


def test_htmx_save_into_a_deleted_section_keeps_the_editor_and_says_who_and_when(
    client, editor, owner, scope
):
    client.force_login(editor)
    delete(scope, owner)
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
    delete(scope, owner)
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
    delete(scope, owner)
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
        delete(self, owner)
        return original(self, **kwargs)

    monkeypatch.setattr(Section, "save_edit", deleted_first)
    client.force_login(editor)
    response = save(client, scope, **HX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "olivia deleted this section" in html and f"\n{MINE}</textarea>" in html
    assert versions(scope) == [(1, "olivia", "")]


def test_save_edit_on_a_deleted_section_raises_section_deleted(editor, owner, scope):
    loaded = Section.objects.select_related("plan").get(pk=scope.pk)
    delete(scope, owner)
    with pytest.raises(SectionDeleted) as raised:
        loaded.save_edit(author=editor, heading="Scope", body=MINE, base_version=1)
    assert raised.value.section.deleted_by == owner
    assert versions(scope) == [(1, "olivia", "")]


def test_viewer_cannot_save_into_a_deleted_section(client, viewer, owner, scope):
    client.force_login(viewer)
    delete(scope, owner)
    assert save(client, scope, **HX).status_code == 403


# --- restore the section with my text ---------------------------------------------------------


def test_restore_with_my_text_brings_it_back_in_place_as_the_next_version(
    client, editor, owner, doc, scope
):
    client.force_login(editor)
    delete(scope, owner)
    response = restore_with_text(client, scope, **HX)
    assert response.status_code == 200
    assert "sectionSaved" in response["HX-Trigger"]
    html = response.content.decode()
    assert f'id="section-{scope.pk}"' in html and "line two, as I wrote it" in html
    assert "Restored “Scope” with your text as version 2." in html
    restored = Section.objects.get(pk=scope.pk)  # live again
    assert restored.position == scope.position
    assert [s.heading for s in doc.sections.all()][1:] == ["Scope", "Risks", "Tasks"]
    assert restored.editable_body == MINE
    assert versions(scope) == [
        (1, "olivia", ""),
        (2, "eddie", "Restored after its deletion, with this text"),
    ]
    change = StructureChange.objects.filter(section=scope).first()
    assert (change.action, change.author) == (StructureAction.RESTORED, editor)


def test_restore_with_my_text_without_javascript_redirects_with_a_message(
    client, editor, owner, doc, scope
):
    client.force_login(editor)
    delete(scope, owner)
    response = restore_with_text(client, scope, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#section-{scope.pk}")
    html = response.content.decode()
    assert "Restored “Scope” with your text as version 2." in html
    assert "line two, as I wrote it" in html


def test_restore_with_my_text_merges_a_version_saved_before_the_deletion(
    client, editor, owner, scope
):
    scope.save_edit(
        author=owner,
        heading="Scope",
        body="line one\nline two\nline three\nline four\nline five, by olivia",
        base_version=1,
    )
    delete(scope, owner)
    client.force_login(editor)
    response = restore_with_text(client, scope, version=1, **HX)
    assert response.status_code == 200
    body = Section.objects.get(pk=scope.pk).editable_body
    assert body == MINE + ", by olivia"


def test_restore_with_overlapping_text_restores_and_opens_the_conflict_view(
    client, editor, owner, scope
):
    theirs = MINE.replace("as I wrote it", "olivia's")
    scope.save_edit(author=owner, heading="Scope", body=theirs, base_version=1)
    delete(scope, owner)
    client.force_login(editor)
    response = restore_with_text(client, scope, version=1, **HX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "alert-conflict" in html and "line two, as I wrote it" in html
    assert "deleted this section" not in html  # it is back: the next save resolves
    section = Section.objects.get(pk=scope.pk)
    assert section.version == 2 and section.editable_body.startswith("line one\nline two, oli")


def test_restore_with_text_of_a_section_someone_else_restored_just_saves(
    client, editor, owner, scope
):
    delete(scope, owner)
    restructuring.restore_section(scope, owner)
    client.force_login(editor)
    assert restore_with_text(client, scope, **HX).status_code == 200
    assert [v for v, _, _ in versions(scope)] == [1, 2]
    assert StructureChange.objects.filter(action=StructureAction.RESTORED).count() == 1


def test_viewer_cannot_restore_with_text(client, viewer, owner, scope):
    delete(scope, owner)
    client.force_login(viewer)
    assert restore_with_text(client, scope, **HX).status_code == 403
    assert Section.all_objects.get(pk=scope.pk).deleted_at is not None


# --- the other writes on a deleted section ----------------------------------------------------


def test_task_tick_on_a_deleted_section_is_a_clear_409(client, editor, owner, doc):
    tasks = doc.sections.get(heading="Tasks")
    delete(tasks, owner)
    client.force_login(editor)
    response = client.post(
        url(tasks, "section_task"), {"index": 0, "done": "1", "version": 1}, **HX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "olivia deleted “Tasks” just now. Nothing was ticked" in html
    assert Section.all_objects.get(pk=tasks.pk).version == 1


def test_restoring_a_version_of_a_deleted_section_says_so(client, editor, owner, scope):
    scope.save_edit(author=owner, heading="Scope", body="changed", base_version=1)
    delete(scope, owner)
    client.force_login(editor)
    response = client.post(
        url(scope, "section_restore_version"), {"version": 1, "base_version": 2}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "plan_activity", args=[scope.plan.project.slug, scope.plan_id]
    )
    html = response.content.decode()
    assert "olivia deleted “Scope” just now. Nothing was restored" in html
    assert [v for v, _, _ in versions(scope)] == [1, 2]


def test_preview_of_a_deleted_section_still_renders_and_says_so(client, editor, owner, scope):
    delete(scope, owner)
    client.force_login(editor)
    response = client.post(url(scope, "section_preview"), {"body": "*mine*"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<em>mine</em>" in html and "olivia deleted “Scope” just now." in html


@pytest.mark.parametrize("action", ["demote", "promote", "move_up", "move_down", "add_after"])
def test_outline_change_of_a_deleted_section_is_refused_with_a_message(
    client, editor, owner, doc, scope, action
):
    delete(scope, owner)
    client.force_login(editor)
    response = client.post(url(scope, "section_structure"), {"action": action}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "olivia deleted “Scope” just now. Nothing was changed" in html
    section = Section.all_objects.get(pk=scope.pk)
    assert (section.version, section.level, section.position) == (1, 2, scope.position)
    assert doc.sections.count() == 3


# --- moved, promoted or demoted meanwhile: the save lands -------------------------------------


def test_save_of_a_section_moved_meanwhile_saves_normally(client, editor, owner, doc, scope):
    restructuring.move(scope, owner, up=False)
    client.force_login(editor)
    response = save(client, scope, **HX)
    assert response.status_code == 200 and "Merged" not in response.content.decode()
    section = Section.objects.get(pk=scope.pk)
    assert section.editable_body == MINE
    assert [s.heading for s in doc.sections.all()][1:] == ["Risks", "Scope", "Tasks"]


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


def test_demote_after_a_save_builds_on_the_saved_text(editor, owner, scope):
    loaded = Section.objects.select_related("plan").get(pk=scope.pk)  # before the save
    scope.save_edit(author=editor, heading="Scope, renamed", body=MINE, base_version=1)
    restructuring.change_level(loaded, owner, deeper=True)
    section = Section.objects.get(pk=scope.pk)
    assert (section.version, section.level, section.heading) == (3, 3, "Scope, renamed")
    assert section.heading_source.startswith("### Scope, renamed")
    assert section.editable_body == MINE


def test_closing_the_editor_of_a_deleted_section_says_what_happened(client, editor, owner, scope):
    delete(scope, owner)
    client.force_login(editor)
    response = client.get(url(scope), **HX)  # Cancel, after the deletion
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="section-{scope.pk}"' in html
    assert "“Scope” was deleted by olivia" in html
    assert reverse("plan_activity", args=[scope.plan.project.slug, scope.plan_id]) in html
    plain = client.get(url(scope))
    assert plain.status_code == 302 and plain.url.endswith("/activity/")
