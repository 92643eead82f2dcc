"""Saving on top of other people's saves, history, restore, structure and task ticking."""

import pytest
from django.urls import reverse

from planhub.plans.models import EditConflict, Section, StructureChange
from planhub.plans.restructuring import StructureRefused, delete_section, move
from tests.factories import make_plan

HX = {"HTTP_HX_REQUEST": "true"}
TEXT = (
    "# Plan\n\n## Scope\n\nline one\nline two\nline three\n\n"
    "## Risks\n\n- [ ] backups\n- [x] alerts\n"
)


@pytest.fixture
def doc(project, owner):
    return make_plan(project, owner, text=TEXT)


def section(plan, heading):
    found = Section.objects.get(plan=plan, heading=heading)
    found.plan = plan
    return found


def url(s, name):
    return reverse(name, args=[s.plan.project.slug, s.plan_id, s.pk])


def test_edits_of_different_lines_merge_with_a_notice(client, doc, owner, editor):
    section(doc, "Scope").save_edit(
        author=owner, heading="Scope", body="LINE ONE\nline two\nline three", base_version=1
    )
    client.force_login(editor)
    response = client.post(
        url(section(doc, "Scope"), "section_detail"),
        {"heading": "Scope", "body": "line one\nline two\nLINE THREE", "version": 1},
        **HX,
    )
    assert response.status_code == 200
    assert "Merged with olivia&#x27;s change." in response.content.decode()
    scope = section(doc, "Scope")
    assert scope.editable_body == "LINE ONE\nline two\nLINE THREE" and scope.version == 3
    assert scope.revisions.get(version=3).note == "Merged with olivia's version 2"


def test_heading_change_and_body_change_merge(doc, owner, editor):
    scope_id = section(doc, "Scope").pk
    section(doc, "Scope").save_edit(author=owner, heading="Scope", body="new body", base_version=1)
    result = section(doc, "Scope").save_edit(
        author=editor,
        heading="Scope and goals",
        body="line one\nline two\nline three",
        base_version=1,
    )
    assert result and result.merged_with[0][1] == 2
    scope = Section.objects.get(pk=scope_id)
    assert (scope.heading, scope.editable_body) == ("Scope and goals", "new body")
    assert "## Scope and goals\n\nnew body\n\n## Risks" in doc.to_markdown()


def test_conflict_carries_current_and_base(doc, owner, editor):
    section(doc, "Scope").save_edit(
        author=owner, heading="Scope", body="line one\nTWO\nline three", base_version=1
    )
    with pytest.raises(EditConflict) as caught:
        section(doc, "Scope").save_edit(
            author=editor, heading="Scope", body="line one\nzwei\nline three", base_version=1
        )
    assert caught.value.current.version == 2 and caught.value.base.version == 1


def test_conflict_view_shows_both_texts_and_the_resolution_is_recorded(client, doc, owner, editor):
    section(doc, "Scope").save_edit(
        author=owner, heading="Scope", body="line one\nTWO\nline three", base_version=1
    )
    client.force_login(editor)
    mine = "line one\nzwei\nline three"
    response = client.post(
        url(section(doc, "Scope"), "section_detail"),
        {"heading": "Scope", "body": mine, "version": 1},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 409
    # The clashing line as a choice, the changed words marked on each side.
    assert "<ins>TWO<" in html
    assert "<ins>zwei<" in html
    assert 'name="resolving" value="2"' in html
    assert "line one\n&lt;&lt;&lt;&lt;&lt;&lt;&lt; your text\nzwei\n=======\nTWO\n" in html
    client.post(
        url(section(doc, "Scope"), "section_detail"),
        {
            "heading": "Scope",
            "body": "line one\nTWO zwei\nline three",
            "version": 2,
            "resolving": 2,
        },
        **HX,
    )
    revision = section(doc, "Scope").revisions.get(version=3)
    assert revision.note == "Resolved a conflict with version 2" and revision.author == editor


def test_history_page_and_restore_a_version(client, doc, owner, editor):
    scope = section(doc, "Scope")
    scope.save_edit(author=owner, heading="Scope", body="second", base_version=1)
    client.force_login(editor)
    html = client.get(url(scope, "section_history")).content.decode()
    assert html.count("Restore this version") == 1 and "olivia" in html
    response = client.post(url(scope, "section_restore_version"), {"version": 1, "base_version": 2})
    assert response.status_code == 302
    scope = section(doc, "Scope")
    assert scope.version == 3 and scope.editable_body == "line one\nline two\nline three"
    assert scope.revisions.get(version=3).note == "Restored version 1"
    assert list(scope.revisions.values_list("version", flat=True)) == [3, 2, 1]
    diff = client.get(url(scope, "section_changes") + "?since=1&to=2").content.decode()
    assert "+second" in diff and "-line one" in diff


def test_restore_refused_when_the_section_moved_on(client, doc, owner, editor):
    scope = section(doc, "Scope")
    scope.save_edit(author=owner, heading="Scope", body="second", base_version=1)
    scope.save_edit(author=owner, heading="Scope", body="third", base_version=2)
    client.force_login(editor)
    response = client.post(
        url(scope, "section_restore_version"), {"version": 1, "base_version": 2}, follow=True
    )
    assert "nothing was restored" in response.content.decode()
    assert section(doc, "Scope").editable_body == "third"


@pytest.mark.parametrize(
    ("role", "status"),
    [("owner", 302), ("editor", 302), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_structure_and_task_role_matrix(client, members, doc, role, status):
    scope = section(doc, "Scope")
    client.force_login(members[role])
    assert (
        client.post(url(scope, "section_structure"), {"action": "move_down"}).status_code == status
    )
    task = client.post(
        url(section(doc, "Risks"), "section_task"), {"index": 0, "done": "1", "version": 1}, **HX
    )
    assert task.status_code == (200 if status == 302 else status)
    history = client.get(url(scope, "section_history")).status_code
    assert history == (404 if role == "outsider" else 200)
    assert client.post(url(scope, "section_restore_version"), {"version": 1}).status_code == status


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


def test_structure_refusals(doc, editor, project, owner):
    with pytest.raises(StructureRefused, match="already first"):
        move(section(doc, "Plan"), editor, up=True)
    with pytest.raises(StructureRefused, match="already last"):
        move(section(doc, "Risks"), editor, up=False)
    with_preamble = make_plan(project, owner, text="intro\n# T\n")
    preamble = with_preamble.sections.get(level=0)
    with pytest.raises(StructureRefused, match="always comes first"):
        move(preamble, editor, up=False)


def test_deleted_section_keeps_reviews_and_leaves_status(doc, owner, reviewer):
    from planhub.reviews.models import SectionDecision
    from planhub.reviews.status import review_plan

    risks = section(doc, "Risks")
    SectionDecision.record(section=risks, reviewer=reviewer, decision="approved", version=1)
    delete_section(risks, owner)
    assert [r.section.heading for r in review_plan(doc).sections] == ["Plan", "Scope"]
    assert SectionDecision.objects.filter(section_id=risks.pk).exists()


def test_tick_a_task_then_merge_a_stale_tick(client, doc, editor, owner):
    risks = section(doc, "Risks")
    client.force_login(editor)
    response = client.post(
        url(risks, "section_task"), {"index": 0, "done": "1", "version": 1}, **HX
    )
    assert response.status_code == 200 and response["HX-Trigger"].startswith('{"sectionSaved"')
    assert section(doc, "Risks").editable_body == "- [x] backups\n- [x] alerts"
    # Someone else ticked on version 1 too (their page was older): it merges (a different line).
    client.force_login(owner)
    response = client.post(
        url(risks, "section_task"), {"index": 1, "done": "0", "version": 1}, **HX
    )
    assert response.status_code == 200
    assert section(doc, "Risks").editable_body == "- [x] backups\n- [ ] alerts"
    # A tick on an item that was since removed is refused with the current list shown.
    section(doc, "Risks").save_edit(
        author=owner, heading="Risks", body="- [x] backups", base_version=3
    )
    response = client.post(
        url(risks, "section_task"), {"index": 1, "done": "1", "version": 3}, **HX
    )
    assert response.status_code == 409 and "nothing was ticked" in response.content.decode()


def test_tick_of_a_missing_task_is_400(client, doc, editor):
    client.force_login(editor)
    response = client.post(
        url(section(doc, "Risks"), "section_task"), {"index": 9, "done": "1", "version": 1}, **HX
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"index": "-1", "done": "1", "version": 1}, "index: "),  # ticked the last item
        ({"index": "١", "done": "1", "version": 1}, "index: "),  # int("١") is 1
        ({"index": "0", "done": "1", "version": "²"}, "version: "),  # "²".isdigit()
        ({"index": "0", "done": "1", "version": "9" * 400}, "version: "),
        ({"index": "0", "done": "maybe", "version": 1}, "done: "),
        ({"done": "1", "version": 1}, "index: missing"),
    ],
)
def test_malformed_tick_is_400_and_ticks_nothing(client, doc, editor, data, message):
    client.force_login(editor)
    response = client.post(url(section(doc, "Risks"), "section_task"), data, **HX)
    assert response.status_code == 400 and response.content.decode().startswith(message)
    assert section(doc, "Risks").version == 1


@pytest.mark.parametrize(
    "data",
    [
        {"version": "abc"},  # a 500 (the revision lookup took the raw text)
        {"version": "²"},
        {"version": "1.5"},
        {"version": "1", "base_version": "٢"},
        {},
    ],
)
def test_malformed_restore_version_is_400(client, doc, owner, editor, data):
    scope = section(doc, "Scope")
    scope.save_edit(author=owner, heading="Scope", body="second", base_version=1)
    client.force_login(editor)
    response = client.post(url(scope, "section_restore_version"), data)
    assert response.status_code == 400
    assert "version: " in response.content.decode()
    assert section(doc, "Scope").version == 2


def test_malformed_resolving_is_400_and_saves_nothing(client, doc, editor):
    """`resolving` (the conflict view's hidden field) with 400 digits went into the revision's
    note, longer than its column: a 500 on PostgreSQL."""
    client.force_login(editor)
    for resolving in ("9" * 400, "²", "-2"):
        data = {"heading": "Scope", "body": "mine", "version": 1, "resolving": resolving}
        response = client.post(url(section(doc, "Scope"), "section_detail"), data, **HX)
        assert response.status_code == 400
        assert response.content.decode().startswith("resolving: ")
    assert section(doc, "Scope").version == 1


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
