"""“Restore the section with my text”: offered when a save finds its section deleted meanwhile;
the section comes back in place with the editor's text as its next version (merged with a
version saved before the deletion)."""

from planhub.plans import restructuring
from planhub.plans.models import Section, StructureAction, StructureChange

from .conftest import HX, MINE, url, versions


def restore_with_text(client, section, body=MINE, heading="Scope", version=1, **headers):
    data = {"heading": heading, "body": body, "version": version}
    return client.post(url(section, "section_restore_with_text"), data, **headers)


def test_restore_with_my_text_brings_it_back_in_place_as_the_next_version(
    client, editor, owner, scoped_doc, scope
):
    client.force_login(editor)
    restructuring.delete_section(scope, owner)
    response = restore_with_text(client, scope, **HX)
    assert response.status_code == 200
    assert "sectionSaved" in response["HX-Trigger"]
    html = response.content.decode()
    assert f'id="section-{scope.pk}"' in html and "line two, as I wrote it" in html
    assert "Restored “Scope” with your text as version 2." in html
    restored = Section.objects.get(pk=scope.pk)  # live again
    assert restored.position == scope.position
    assert [s.heading for s in scoped_doc.sections.all()][1:] == ["Scope", "Risks", "Tasks"]
    assert restored.editable_body == MINE
    assert versions(scope) == [
        (1, "olivia", ""),
        (2, "eddie", "Restored after its deletion, with this text"),
    ]
    change = StructureChange.objects.filter(section=scope).first()
    assert (change.action, change.author) == (StructureAction.RESTORED, editor)


def test_restore_with_my_text_without_javascript_redirects_with_a_message(
    client, editor, owner, scoped_doc, scope
):
    client.force_login(editor)
    restructuring.delete_section(scope, owner)
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
    restructuring.delete_section(scope, owner)
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
    restructuring.delete_section(scope, owner)
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
    restructuring.delete_section(scope, owner)
    restructuring.restore_section(scope, owner)
    client.force_login(editor)
    assert restore_with_text(client, scope, **HX).status_code == 200
    assert [v for v, _, _ in versions(scope)] == [1, 2]
    assert StructureChange.objects.filter(action=StructureAction.RESTORED).count() == 1
