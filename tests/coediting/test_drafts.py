import pytest
from pycrdt import Text

from planhub.coediting import drafts
from planhub.coediting.models import DiscardedDraft, Draft, DraftUpdate
from planhub.lib.broadcast import plan_group
from planhub.plans.models import Section
from planhub.reviews.models import ReviewRefused, SectionDecision
from tests.factories import add_member, make_user

from .conftest import type_into


def append(text):
    return lambda body: body.insert(len(str(body).encode()), text)


def test_open_draft_starts_from_the_section_text(overview):
    overview.save_edit(author=None, heading="Overview", body="Hello.", base_version=1)
    draft = drafts.open_draft(overview)
    assert draft.base_version == overview.version
    assert drafts.draft_text(draft) == ("Overview", "Hello.")
    assert drafts.open_draft(overview).pk == draft.pk
    assert Draft.objects.count() == 1


def test_a_race_to_open_gets_the_winner(overview, monkeypatch):
    """The loser of the unique OneToOne reads the existing draft; its own text is never stored."""
    winner = drafts.open_draft(overview)
    real_filter = Draft.objects.filter
    calls = []

    def not_there_yet(*args, **kwargs):  # the first look happens before the winner commits
        calls.append(1)
        query = real_filter(*args, **kwargs)
        return query.none() if len(calls) == 1 else query

    monkeypatch.setattr(Draft.objects, "filter", not_there_yet)
    assert drafts.open_draft(overview).pk == winner.pk
    assert drafts.draft_text(winner)[1] == overview.editable_body  # not twice


def test_store_update_keeps_every_update_and_its_author(
    overview, editor, django_assert_max_num_queries
):
    draft = drafts.open_draft(overview)
    doc = drafts.load_doc(draft)
    before = doc.get_state()
    doc.get("body", type=Text).insert(0, "Bob: ")
    with django_assert_max_num_queries(
        5
    ):  # UPDATE draft, INSERT update, INSERT author (+ savepoint)
        drafts.store_update(draft.pk, doc.get_update(before), editor.pk)
    draft.refresh_from_db()
    assert drafts.draft_text(draft)[1].startswith("Bob: ")
    assert list(draft.authors.all()) == [editor]
    assert draft.edited_by == editor and draft.edited_at is not None
    drafts.store_update(draft.pk, doc.get_update(before), editor.pk)  # again: one author still
    assert draft.authors.count() == 1


def test_store_update_on_a_discarded_draft_is_refused(overview, editor):
    draft = drafts.open_draft(overview)
    drafts.discard(draft, editor)
    with pytest.raises(drafts.DraftGone):
        drafts.store_update(draft.pk, b"\x00\x00", editor.pk)
    assert not DraftUpdate.objects.exists()


def test_publish_makes_the_next_version_by_everyone_who_typed(overview, owner, editor, project):
    bob = make_user("bob")
    add_member(project, bob, "editor")
    draft = drafts.open_draft(overview)
    type_into(draft, editor, append(" Eddie was here."))
    type_into(draft, bob, append(" Bob too."))
    result = drafts.publish(draft, editor)
    overview.refresh_from_db()
    assert result.changed and overview.version == 2
    assert overview.editable_body.endswith("Eddie was here. Bob too.")
    revision = overview.revisions.get(version=2)
    assert {u.username for u in revision.authors.all()} == {"eddie", "bob"}
    draft.refresh_from_db()
    assert draft.base_version == 2 and not draft.authors.exists()


def test_an_author_of_a_draft_cannot_approve_what_it_published(overview, owner, editor, reviewer):
    """The owner (who may review) typed in the draft, Eddie published it: the owner is one of
    the version's authors and may not approve it; a reviewer who did not type may."""
    overview.save_edit(author=editor, heading="Overview", body="Our approach.", base_version=1)
    draft = drafts.open_draft(overview)
    type_into(draft, owner, append(" Typed by the owner."))
    drafts.publish(draft, editor)
    overview.refresh_from_db()
    with pytest.raises(ReviewRefused, match="You wrote this version"):
        SectionDecision.record(
            section=overview, reviewer=owner, decision="approved", version=overview.version
        )
    SectionDecision.record(
        section=overview, reviewer=reviewer, decision="approved", version=overview.version
    )


def test_publishing_unchanged_text_makes_no_version(overview, editor):
    draft = drafts.open_draft(overview)
    assert not drafts.publish(draft, editor).changed
    overview.refresh_from_db()
    assert overview.version == 1


def test_publish_refuses_conflict_markers(overview, editor):
    draft = drafts.open_draft(overview)
    type_into(draft, editor, append("\n<<<<<<< your text\na\n=======\nb\n>>>>>>> x"))
    with pytest.raises(drafts.UnresolvedConflicts):
        drafts.publish(draft, editor)


def test_publish_sends_the_published_event(
    overview, editor, listen, django_capture_on_commit_callbacks
):
    draft = drafts.open_draft(overview)
    received = listen(draft.pk)
    type_into(draft, editor, append(" more"))
    with django_capture_on_commit_callbacks(execute=True):
        drafts.publish(draft, editor)
    events = [m["event"] for m in received() if m["type"] == "draft.event"]
    assert events == [{"type": "published", "version": 2, "by": "eddie"}]


def test_discard_keeps_the_text_and_the_next_draft_is_new(
    overview, editor, owner, listen, django_capture_on_commit_callbacks
):
    draft = drafts.open_draft(overview)
    received = listen(draft.pk)
    plan_events = listen(overview.plan_id, group=plan_group)
    type_into(draft, editor, append(" unpublished thoughts"))
    with django_capture_on_commit_callbacks(execute=True):
        kept = drafts.discard(draft, owner)
    assert kept.body.endswith("unpublished thoughts")
    assert kept.discarded_by == owner and list(kept.authors.all()) == [editor]
    assert [m["event"]["type"] for m in received()] == ["discarded"]
    assert plan_events() == [{"type": "plan.changed", "section": overview.pk, "kind": "draft"}]
    assert not Draft.objects.filter(pk=draft.pk).exists()
    assert drafts.open_draft(overview).pk != draft.pk


def test_discarding_an_untouched_draft_keeps_nothing(overview, editor):
    drafts.discard(drafts.open_draft(overview), editor)
    assert not DiscardedDraft.objects.exists()


def test_compact_folds_updates_into_the_snapshot(overview, editor):
    draft = drafts.open_draft(overview)
    for word in ("one", "two", "three"):
        type_into(draft, editor, append(f" {word}"))
    text = drafts.draft_text(draft)
    assert drafts.compact(draft.pk) == 3
    draft.refresh_from_db()
    assert not draft.updates.exists()
    assert drafts.draft_text(draft) == text


def test_compact_if_due(overview, editor, monkeypatch):
    monkeypatch.setattr(drafts, "COMPACT_AFTER", 2)
    draft = drafts.open_draft(overview)
    type_into(draft, editor, append("a"))
    type_into(draft, editor, append("b"))
    assert not drafts.compact_if_due(draft.pk)
    type_into(draft, editor, append("c"))
    assert drafts.compact_if_due(draft.pk)
    assert drafts.draft_text(draft)[1].endswith("abc")


@pytest.mark.parametrize(
    ("heading", "problem"),
    [("", "cannot be empty"), ("two\nlines", "more than one line"), ("x" * 501, "limit")],
)
def test_publish_refuses_a_heading_the_form_would(overview, editor, heading, problem):
    draft = drafts.open_draft(overview)
    doc = drafts.load_doc(draft)
    before = doc.get_state()
    title = doc.get("heading", type=Text)
    del title[0 : len(str(title).encode())]
    title.insert(0, heading)
    drafts.store_update(draft.pk, doc.get_update(before), editor.pk)
    with pytest.raises(drafts.PublishRefused, match=problem):
        drafts.publish(draft, editor)
    overview.refresh_from_db()
    assert overview.version == 1


def test_too_long_a_draft_is_refused(overview, editor, settings):
    settings.SECTION_BODY_MAX_CHARS = 10
    draft = drafts.open_draft(overview)
    with pytest.raises(drafts.PublishRefused, match="limit is 10"):
        drafts.publish(draft, editor)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_opening_at_once_share_one_draft():
    import threading

    from django.db import connection

    from tests.factories import make_plan, make_project

    owner = make_user("olivia")
    plan = make_plan(make_project(owner=owner, slug="apollo"), owner)
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    start = threading.Barrier(4)
    opened = []

    def open_it():
        start.wait()
        try:
            opened.append(drafts.open_draft(section).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(opened)) == 1 and len(opened) == 4
    draft = Draft.objects.get()
    assert drafts.draft_text(draft) == (section.heading, section.editable_body)  # once


def test_open_draft_text_is_open_draft_and_draft_text_in_one_query(
    overview, editor, django_assert_num_queries
):
    draft, heading, body = drafts.open_draft_text(overview)  # none yet: created
    assert (heading, body) == (overview.heading, overview.editable_body)
    assert draft.pk == drafts.open_draft(overview).pk
    type_into(draft, editor, append(" Eddie typed."))
    with django_assert_num_queries(1):
        again, heading, body = drafts.open_draft_text(overview)
    assert (again.pk, again.base_version) == (draft.pk, overview.version)
    assert (heading, body) == drafts.draft_text(draft) and body.endswith("Eddie typed.")
    drafts.compact(draft.pk)
    assert drafts.open_draft_text(overview)[1:] == (heading, body)


def test_open_draft_text_catches_a_draft_behind_its_section_up(overview, editor):
    draft = drafts.open_draft(overview)
    type_into(draft, editor, append(" Eddie typed."))
    # A save whose merge into the draft did not happen (a crash between commit and merge).
    Section.objects.filter(pk=overview.pk).update(version=overview.version + 1)
    overview.refresh_from_db()
    draft_now, _, body = drafts.open_draft_text(overview)
    assert draft_now.base_version == overview.version and body.endswith("Eddie typed.")
