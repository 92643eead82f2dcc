"""Who hears about a comment: each mentioned member (Event.MENTION), a reply's thread author
and earlier repliers (Event.COMMENT_REPLY), each once (a mention wins), never the writer nor a
non-member; an edit tells only the newly mentioned. And the comment.created webhook event."""

import json

import pytest

from planhub.notifications.models import Notification
from planhub.reviews.models import Comment
from planhub.webhooks.events import WebhookEvent
from planhub.webhooks.models import Delivery, Webhook

from .conftest import HX, plan_url, section_url


@pytest.fixture
def published(project):
    """What the project's webhook for comments is sent: (event, data) of each delivery."""
    Webhook.objects.create(
        project=project,
        url="https://hooks.example.com/",
        secret="s" * 20,
        events=[WebhookEvent.COMMENT_CREATED],
    )

    class Deliveries:
        def _rows(self):
            return [(d.event, json.loads(d.body)["data"]) for d in Delivery.objects.order_by("pk")]

        def __getitem__(self, index):
            return self._rows()[index]

        def __len__(self):
            return len(self._rows())

        def __eq__(self, other):
            return self._rows() == other

    return Deliveries()


def told(event=None) -> list[tuple[str, str]]:
    """(recipient, event) of every notification, sorted."""
    rows = Notification.objects.all()
    if event:
        rows = rows.filter(event=event)
    return sorted(rows.values_list("recipient__username", "event"))


def post(client, user, section, body, parent=None):
    client.force_login(user)
    data = {"body": body, **({"parent": parent.pk} if parent else {})}
    response = client.post(section_url(section, "comments"), data, **HX)
    assert response.status_code == 200, response.content
    return Comment.objects.latest("pk")


def test_a_comment_tells_each_mentioned_member_once(
    client, owner, reviewer, editor, viewer, outsider, section, published
):
    comment = post(
        client, owner, section, "@rita and @eddie, see @victor's note. @rita again. @oscar @olivia"
    )
    assert told() == [("eddie", "mention"), ("rita", "mention"), ("victor", "mention")]
    note = Notification.objects.get(recipient=reviewer)
    assert note.url == section_url(section, "comments") + f"#comment-{comment.pk}"
    assert (
        note.actor == owner and note.plan == section.plan and note.project == section.plan.project
    )
    assert "olivia mentioned you" in note.title and "Overview" in note.title
    assert note.detail.startswith("@rita and @eddie")


def test_a_mention_in_code_tells_nobody(client, owner, reviewer, section, published):
    post(client, owner, section, "Run `@rita` or\n\n```\n@rita\n```")
    assert told() == []


def test_a_reply_tells_the_thread_author_and_earlier_repliers(
    client, owner, reviewer, editor, viewer, section, published
):
    thread = post(client, reviewer, section, "Which option?")
    post(client, editor, section, "The first.", parent=thread)
    assert told() == [("rita", "comment_reply")]
    Notification.objects.all().delete()
    # The owner replies, mentioning rita (the thread's author) and victor: rita hears once,
    # of the mention; eddie (an earlier replier) of the reply; the owner of nothing.
    post(client, owner, section, "Agreed, @rita. cc @victor", parent=thread)
    assert told() == [("eddie", "comment_reply"), ("rita", "mention"), ("victor", "mention")]
    Notification.objects.all().delete()
    # The thread's author replies in her own thread: the two others hear, she does not.
    post(client, reviewer, section, "Thanks both.", parent=thread)
    assert told() == [("eddie", "comment_reply"), ("olivia", "comment_reply")]


def test_a_reply_does_not_tell_former_members_or_the_author_of_a_deleted_thread(
    client, owner, reviewer, editor, section, published
):
    thread = post(client, reviewer, section, "Which option?")
    post(client, editor, section, "The first.", parent=thread)
    thread.delete_by(reviewer)
    section.plan.project.memberships.filter(user=editor).delete()
    Notification.objects.all().delete()
    post(client, owner, section, "Closing this.", parent=thread)
    assert told() == []


def test_an_edit_tells_only_the_newly_mentioned(
    client, owner, reviewer, editor, section, published
):
    comment = post(client, owner, section, "Ping @rita")
    Notification.objects.all().delete()
    client.post(
        plan_url(section.plan, "comment_edit", comment.pk), {"body": "Ping @rita, @eddie"}, **HX
    )
    assert told() == [("eddie", "mention")]
    client.post(
        plan_url(section.plan, "comment_edit", comment.pk), {"body": "Ping @eddie @rita!"}, **HX
    )
    assert told() == [("eddie", "mention")]  # both were mentioned already
    assert len(published) == 1  # edits are not new comments


def test_a_new_comment_and_reply_are_published_to_webhooks(
    client, owner, reviewer, section, published
):
    thread = post(client, reviewer, section, "Hello **team**")
    reply = post(client, owner, section, "Hi", parent=thread)
    plan = section.plan
    plan = section.plan
    assert published[0][0] == WebhookEvent.COMMENT_CREATED
    assert published[0][1] == {
        "title": f"{plan.title} › Overview",
        "url": f"http://127.0.0.1:8000{thread.get_absolute_url()}",
        "actor": "rita",
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "url": f"http://127.0.0.1:8000{plan.get_absolute_url()}",
        },
        "section": {"id": section.pk, "heading": "Overview"},
        "comment": {"id": thread.pk, "parent": None, "body": "Hello **team**"},
    }
    assert published[1][1]["comment"]["id"] == reply.pk
    assert published[1][1]["comment"]["parent"] == thread.pk
    assert len(published) == 2


def test_a_refused_comment_tells_nobody(client, owner, reviewer, section, published):
    client.force_login(owner)
    response = client.post(
        section_url(section, "comments"), {"body": "@rita " + "x" * 10_000}, **HX
    )
    assert response.status_code == 422
    assert told() == [] and published == []


def test_mentions_show_the_display_name(client, owner, reviewer, section, published):
    from planhub.accounts.models import Profile

    profile = Profile.of(reviewer)
    profile.display_name = "Rita Reviewer"
    profile.save()
    post(client, owner, section, "Over to @rita")
    html = client.get(section_url(section, "comments")).content.decode()
    assert '<span class="mention" title="@rita">@Rita Reviewer</span>' in html
