"""A save that did not come from the draft is merged into the open draft."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pycrdt import Text

from planhub.coediting import drafts
from planhub.coediting.models import Draft
from planhub.document.merging import MINE_MARKER
from tests.factories import make_plan, make_project, make_user

from .conftest import type_into

TEXT = (
    "# Plan\n\n## Scope\n\nline one\nline two\nline three\n\n"
    "## Risks\n\n- [ ] backups\n- [ ] alerts\n- [ ] on-call\n"
)


@pytest.fixture
def scope(project, owner):
    plan = make_plan(project, owner, text=TEXT)
    section = plan.sections.get(heading="Scope")
    section.plan = plan
    return section


def insert_at_line(index, text):
    def edit(body):
        lines = str(body).split("\n")
        offset = len("\n".join(lines[:index]).encode()) + (1 if index else 0)
        body.insert(offset, text)

    return edit


def test_a_save_without_the_draft_is_merged_into_it(
    scope, editor, owner, listen, django_capture_on_commit_callbacks
):
    draft = drafts.open_draft(scope)
    received = listen(draft.pk)
    type_into(draft, editor, insert_at_line(0, "typed first "))
    with django_capture_on_commit_callbacks(execute=True):
        scope.save_edit(
            author=owner,
            heading="Scope",
            body="line one\nline two\nline three, saved without the draft",
            base_version=1,
        )
    draft.refresh_from_db()
    assert drafts.draft_text(draft) == (
        "Scope",
        "typed first line one\nline two\nline three, saved without the draft",
    )
    assert draft.base_version == 2
    messages = received()
    assert [m["type"] for m in messages] == ["draft.update", "draft.event"]
    assert messages[0]["sender"] == ""
    assert messages[1]["event"] == {"type": "merged", "version": 2, "by": "olivia", "conflicts": 0}
    # The merge is nobody's typing: the editor is still the only author of the next version.
    assert list(draft.authors.all()) == [editor]


def test_a_clash_stays_in_the_draft_between_markers(
    scope, editor, owner, django_capture_on_commit_callbacks
):
    draft = drafts.open_draft(scope)
    type_into(draft, editor, insert_at_line(1, "draft's "))
    with django_capture_on_commit_callbacks(execute=True):
        scope.save_edit(
            author=owner, heading="Scope", body="line one\nOWNER\nline three", base_version=1
        )
    body = drafts.draft_text(draft)[1]
    assert MINE_MARKER in body and "draft's line two" in body and "OWNER" in body
    with pytest.raises(drafts.UnresolvedConflicts):
        drafts.publish(draft, editor)


def test_saves_without_the_draft_do_not_grow_its_history(
    scope, editor, owner, monkeypatch, django_capture_on_commit_callbacks
):
    """Each merge stores an update; past COMPACT_AFTER_MERGES the merge folds them into the
    snapshot, so the edit form and the next merge read a bounded history however many saves
    came."""
    monkeypatch.setattr(drafts, "COMPACT_AFTER_MERGES", 3)
    draft = drafts.open_draft(scope)
    type_into(draft, editor, insert_at_line(0, "typed "))
    body = "line one\nline two\nline three"
    for number in range(1, 9):
        scope = scope.read_again()
        with django_capture_on_commit_callbacks(execute=True):
            scope.save_edit(
                author=owner,
                heading="Scope",
                body=f"{body}\nsave {number}",
                base_version=scope.version,
            )
        assert draft.updates.count() <= 3
    draft.refresh_from_db()
    assert draft.base_version == 9
    assert drafts.draft_text(draft) == ("Scope", f"typed {body}\nsave 8")
    assert list(draft.authors.all()) == [editor]  # the typist still; merges are nobody's


def test_a_ticked_task_reaches_the_draft(
    project, owner, editor, django_capture_on_commit_callbacks
):
    plan = make_plan(project, owner, text=TEXT)
    risks = plan.sections.get(heading="Risks")
    risks.plan = plan
    draft = drafts.open_draft(risks)
    type_into(draft, editor, insert_at_line(2, "on-call rota: "))
    with django_capture_on_commit_callbacks(execute=True):
        risks.tick_task(0, True, seen_version=1, author=owner)
    assert drafts.draft_text(draft)[1] == "- [x] backups\n- [ ] alerts\non-call rota: - [ ] on-call"


def test_publishing_the_draft_is_not_merged_back(
    scope, editor, listen, django_capture_on_commit_callbacks
):
    draft = drafts.open_draft(scope)
    received = listen(draft.pk)
    type_into(draft, editor, insert_at_line(0, "new "))
    with django_capture_on_commit_callbacks(execute=True):
        drafts.publish(draft, editor)
    assert drafts.draft_text(draft)[1] == "new line one\nline two\nline three"
    assert [m["event"]["type"] for m in received()] == ["published"]


def test_opening_catches_up_with_a_missed_merge(scope, owner, editor):
    """A merge lost with its process (saved, crashed before the on-commit merge): the next
    open merges it."""
    draft = drafts.open_draft(scope)
    type_into(draft, editor, insert_at_line(0, "x "))
    scope.save_edit(
        author=owner, heading="Scope", body="line one\nline two\nline 3", base_version=1
    )
    assert drafts.draft_text(draft)[1] == "x line one\nline two\nline three"  # not merged yet
    draft = drafts.open_draft(scope)
    assert draft.base_version == 2
    assert drafts.draft_text(draft)[1] == "x line one\nline two\nline 3"


def test_a_merge_done_twice_applies_once(scope, owner, django_capture_on_commit_callbacks):
    draft = drafts.open_draft(scope)
    scope.save_edit(
        author=owner, heading="Scope", body="line one\nADDED\nline two\nline three", base_version=1
    )
    assert drafts.merge_section_change(draft.pk).version == 2
    assert drafts.merge_section_change(draft.pk) is None
    assert drafts.draft_text(draft)[1].count("ADDED") == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_merges_apply_the_change_once():
    owner = make_user("olivia")
    project = make_project(owner=owner, slug="apollo")
    plan = make_plan(project, owner, text=TEXT)
    section = plan.sections.get(heading="Scope")
    section.plan = plan
    draft = drafts.open_draft(section)
    # on_commit runs at once outside a transaction: merge explicitly from two threads instead.
    Draft.objects.filter(pk=draft.pk).update(base_version=1)
    section.save_edit(author=owner, heading="Scope", body="ONCE\nline one", base_version=1)
    Draft.objects.filter(pk=draft.pk).update(base_version=1)
    start = threading.Barrier(2)
    results = []

    def merge():
        start.wait()
        try:
            results.append(drafts.merge_section_change(draft.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=merge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r is None for r in results) == [False, True]
    assert drafts.draft_text(draft)[1].count("ONCE") == 1


def test_a_save_that_only_deletes_reaches_the_draft(
    scope, owner, editor, django_capture_on_commit_callbacks
):
    """A deletion leaves the Yjs state vector as it was: the change is still stored."""
    draft = drafts.open_draft(scope)
    type_into(draft, editor, insert_at_line(0, "mine: "))
    with django_capture_on_commit_callbacks(execute=True):
        scope.save_edit(author=owner, heading="Scope", body="line one\nline two", base_version=1)
    assert drafts.draft_text(draft)[1] == "mine: line one\nline two"


def test_a_draft_stays_small_however_many_saves_are_merged_into_it(
    scope, editor, owner, monkeypatch, django_capture_on_commit_callbacks
):
    """Every change the server makes to a draft is one Yjs client's (drafts.SERVER_CLIENT_ID):
    a fresh client per merge grew the document's state vector and delete set, which every
    update carries, with each save (7 kB per one-line change in the bench)."""
    monkeypatch.setattr(drafts, "COMPACT_AFTER_MERGES", 1000)  # keep every merge's update
    draft = drafts.open_draft(scope)
    type_into(draft, editor, insert_at_line(0, "typed "))
    body = "line one\nline two\nline three"
    for number in range(40):
        scope = scope.read_again()
        with django_capture_on_commit_callbacks(execute=True):
            scope.save_edit(
                author=owner,
                heading="Scope",
                body=f"{body}\nsave {number % 2}",
                base_version=scope.version,
            )
    draft.refresh_from_db()
    assert drafts.draft_text(draft) == ("Scope", f"typed {body}\nsave 1")
    merged = [
        len(bytes(data)) for data in draft.updates.order_by("pk").values_list("data", flat=True)
    ]
    assert len(merged) == 41  # the typing, then one per save
    assert max(merged[2:]) <= merged[2] + 8  # the 40th one-line change as small as the 2nd
    drafts.compact(draft.pk)
    draft.refresh_from_db()
    assert len(bytes(draft.snapshot)) < 1000  # 40 saves' history folded: the text and little


def test_typing_on_a_stale_copy_survives_the_servers_merges_and_publishes(
    scope, editor, owner, django_capture_on_commit_callbacks
):
    """The server's changes are one client's sequence (each made under the draft's lock on
    the whole stored document); a browser typing on a copy that has not heard of them yet
    loses nothing, and once it has heard of everything it holds the server's text."""
    draft = drafts.open_draft(scope)
    browser = drafts.load_doc(draft)
    for turn in range(8):
        before = browser.get_state()
        browser.get("body", type=Text).insert(0, f"t{turn} ")
        drafts.store_update(draft.pk, browser.get_update(before), editor.pk)
        scope = scope.read_again()
        lines = scope.editable_body.split("\n")
        lines = lines[:-1] if lines[-1].startswith("save") else lines
        with django_capture_on_commit_callbacks(execute=True):
            scope.save_edit(
                author=owner,
                heading="Scope",
                body="\n".join([*lines, f"save {turn}"]),
                base_version=scope.version,
            )
        if turn % 3 == 2:
            with django_capture_on_commit_callbacks(execute=True):
                drafts.publish(draft, editor)
        if turn % 2:  # the browser hears of what is stored only now and then
            browser.apply_update(drafts.load_doc(draft).get_update(browser.get_state()))
    browser.apply_update(drafts.load_doc(draft).get_update(browser.get_state()))
    heading, body = drafts.draft_text(draft)
    assert (str(browser.get("heading", type=Text)), str(browser.get("body", type=Text))) == (
        heading,
        body,
    )
    assert body.split("\n")[0] == "t7 t6 t5 t4 t3 t2 t1 t0 line one"
    assert body.split("\n")[-1] == "save 7" and MINE_MARKER not in body


def test_a_merge_into_the_draft_reads_the_section_and_its_base_in_one_query(scope, editor, owner):
    """The merge after a save made without the draft: the draft locked, the section with its
    text at the draft's base version (one query), the stored updates; then the change stored
    and the draft moved to the new version."""
    draft = drafts.open_draft(scope)
    type_into(draft, editor, insert_at_line(0, "typed "))
    scope.save_edit(
        author=owner, heading="Scope", body="line one\nline two\nline 3", base_version=1
    )
    with CaptureQueriesContext(connection) as queries:
        assert drafts.merge_section_change(draft.pk).version == 2
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert statements == ["SAVEPOINT", "SELECT", "SELECT", "SELECT", "INSERT", "UPDATE", "RELEASE"]
    assert drafts.draft_text(draft)[1] == "typed line one\nline two\nline 3"
