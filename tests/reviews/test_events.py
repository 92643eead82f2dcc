"""Who hears about review events: the jobs of planhub/reviews/tasks.py, queued when a save,
decision or sign-off commits and run here as the worker would."""

import pytest

from planhub.notifications.models import Event, Notification
from planhub.reviews.models import SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.factories import add_member, make_plan, make_user
from tests.worker import run_queued_tasks

TEXT = "# Launch\n\nWhy we launch.\n\n## Scope\n\nThe scope.\n\n## Risks\n\nThe risks.\n"


@pytest.fixture
def launch(project, owner):
    return make_plan(project, owner, text=TEXT)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what a request queues once it commits, then the queued jobs."""

    class Runner:
        def __call__(self, action):
            with django_capture_on_commit_callbacks(execute=True):
                result = action()
            run_queued_tasks()
            return result

    return Runner()


def told(user, event=None):
    rows = Notification.objects.filter(recipient=user)
    if event is not None:
        rows = rows.filter(event=event)
    return list(rows)


def edit(section, author, body):
    section.refresh_from_db()
    return section.save_edit(
        author=author, heading=section.heading, body=body, base_version=section.version
    )


def decide(section, reviewer, decision, comment=""):
    section.refresh_from_db()
    return SectionDecision.record(
        section=section,
        reviewer=reviewer,
        decision=decision,
        version=section.version,
        comment=comment,
    )


def sign(slot, signer, decision, reason=""):
    """The assignee decides on the plan as it is now."""
    return SignOff.record(
        slot,
        user=signer,
        decision=decision,
        reason=reason,
        seen_hash=review_plan(slot.plan).content_hash,
    )


def test_changes_requested_tells_the_writers_of_that_version_only(
    launch, editor, reviewer, owner, after_commit
):
    scope = launch.sections.get(heading="Scope")
    after_commit(lambda: edit(scope, editor, "Eddie's scope."))
    after_commit(lambda: decide(scope, reviewer, "changes_requested", "Too vague."))
    [notice] = told(editor, Event.CHANGES_REQUESTED)
    assert notice.title == "rita requested changes on “Scope”"
    assert notice.detail == "Too vague."
    assert notice.url == scope.get_absolute_url() and notice.plan == launch
    assert told(reviewer, Event.CHANGES_REQUESTED) == []


def test_an_edit_tells_the_reviewers_whose_approval_it_made_stale_with_the_diff(
    launch, editor, reviewer, owner, project, after_commit
):
    second = make_user("sam")
    add_member(project, second, "reviewer")
    scope = launch.sections.get(heading="Scope")
    after_commit(lambda: edit(scope, editor, "Version two."))
    after_commit(lambda: decide(scope, reviewer, "approved"))
    after_commit(lambda: decide(scope, second, "approved"))
    after_commit(lambda: decide(scope, second, "changes_requested", "On reflection, no."))
    after_commit(lambda: edit(scope, editor, "Version three."))

    [notice] = told(reviewer, Event.APPROVAL_STALE)
    assert notice.title == "“Scope” changed after you approved it"
    assert notice.url.endswith(f"/sections/{scope.pk}/changes/?since=2&to=3")
    assert notice.actor == editor
    # Sam's last word was a change request: nothing of theirs went stale.
    assert told(second, Event.APPROVAL_STALE) == []

    # The next edit: Rita's approval was stale already; she is not told twice.
    after_commit(lambda: edit(scope, editor, "Version four."))
    assert len(told(reviewer, Event.APPROVAL_STALE)) == 1


def test_reviewers_hear_once_per_plan_that_sections_wait_until_they_open_it(
    launch, editor, reviewer, owner, after_commit
):
    scope = launch.sections.get(heading="Scope")
    risks = launch.sections.get(heading="Risks")
    after_commit(lambda: edit(scope, editor, "New scope."))
    after_commit(lambda: edit(risks, editor, "New risks."))
    [notice] = told(reviewer, Event.REVIEW_REQUESTED)
    assert notice.title == "“Launch” has sections waiting for your review"
    assert told(owner, Event.REVIEW_REQUESTED) != []  # owners review too
    assert told(editor, Event.REVIEW_REQUESTED) == []  # the writer, never

    Notification.objects.filter(pk=notice.pk).update(read_at=notice.created_at)
    after_commit(lambda: edit(risks, editor, "Newer risks."))
    assert len(told(reviewer, Event.REVIEW_REQUESTED)) == 2


def test_sign_off_assigned_declined_and_made_stale(
    launch, editor, reviewer, owner, client, after_commit
):
    slot = launch.signoff_slots.get()
    membership = launch.project.memberships.get(user=reviewer)
    client.force_login(owner)
    url = f"/p/{launch.project.slug}/plans/{launch.pk}/signoffs/{slot.pk}/assign/"
    after_commit(lambda: client.post(url, {"assignee": membership.pk}))
    [assigned] = told(reviewer, Event.SIGNOFF_ASSIGNED)
    assert assigned.title == "You are asked to sign off “Launch” as Plan approval"
    assert assigned.url == f"{launch.get_absolute_url()}#signoffs"
    after_commit(lambda: client.post(url, {"assignee": membership.pk}))  # the same person
    assert len(told(reviewer, Event.SIGNOFF_ASSIGNED)) == 1

    slot.refresh_from_db()
    after_commit(lambda: sign(slot, reviewer, "declined", "Risks unclear."))
    [declined] = told(owner, Event.SIGNOFF_DECLINED)
    assert declined.detail == "Risks unclear." and declined.actor == reviewer

    after_commit(lambda: sign(slot, reviewer, "signed", ""))
    after_commit(lambda: edit(launch.sections.get(heading="Risks"), editor, "Changed."))
    [stale] = told(reviewer, Event.SIGNOFF_STALE)
    assert stale.title == "Your sign-off “Plan approval” on “Launch” no longer counts"
    after_commit(lambda: edit(launch.sections.get(heading="Risks"), editor, "Again."))
    assert len(told(reviewer, Event.SIGNOFF_STALE)) == 1


def test_the_owner_hears_once_when_the_plan_is_approved(
    launch, editor, reviewer, owner, after_commit
):
    for section in launch.sections.all():
        after_commit(lambda section=section: edit(section, editor, f"Final {section.pk}."))
    slot = launch.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    for section in launch.sections.all():
        after_commit(lambda section=section: decide(section, reviewer, "approved"))
    assert told(owner, Event.PLAN_APPROVED) == []  # the sign-off is still missing
    after_commit(lambda: sign(slot, reviewer, "signed", ""))
    [approved] = told(owner, Event.PLAN_APPROVED)
    assert approved.title == "“Launch” is approved" and approved.url == launch.get_absolute_url()
    # One more approval of an approved plan says nothing new.
    after_commit(lambda: decide(launch.sections.get(heading="Scope"), owner, "approved"))
    assert len(told(owner, Event.PLAN_APPROVED)) == 1


def test_nothing_is_queued_for_a_save_that_changed_nothing(launch, editor, after_commit):
    from django_tasks_db.models import DBTaskResult

    scope = launch.sections.get(heading="Scope")
    after_commit(lambda: edit(scope, editor, scope.editable_body))
    assert DBTaskResult.objects.count() == 0


def test_webhooks_get_each_review_event_with_a_title_a_link_and_who(
    launch, editor, reviewer, owner, after_commit
):
    import json

    from planhub.webhooks.models import Delivery, Webhook

    Webhook.objects.create(
        project=launch.project,
        url="https://hooks.example.com/",
        secret="s" * 20,
        events=["section.published", "section.approved", "section.changes_requested"],
    )
    scope = launch.sections.get(heading="Scope")
    after_commit(lambda: edit(scope, editor, "Webhook scope."))
    after_commit(lambda: decide(scope, reviewer, "changes_requested", "Why?"))
    after_commit(lambda: edit(scope, editor, "Better scope."))
    after_commit(lambda: decide(scope, reviewer, "approved"))
    sent = [(d.event, json.loads(d.body)["data"]) for d in Delivery.objects.order_by("pk")]
    assert [event for event, _ in sent] == [
        "section.published",
        "section.changes_requested",
        "section.published",
        "section.approved",
    ]
    published, requested = sent[0][1], sent[1][1]
    assert published["title"] == "Launch › Scope" and published["actor"] == "eddie"
    assert published["url"] == f"http://127.0.0.1:8000{scope.get_absolute_url()}"
    assert published["section"] == {"id": scope.pk, "heading": "Scope", "version": 2}
    assert published["from_version"] == 1
    assert requested["actor"] == "rita" and requested["comment"] == "Why?"
