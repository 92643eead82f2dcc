"""The unread count (one precompiled query in planhub/notifications/models.py, for the top bar,
the inbox and its badge) follows each thing it counts: a new notification of the reader's, one
of someone else's, one read."""

from django.utils import timezone

from planhub.notifications.models import Notification, unread_count


def notify(user, title="Hello") -> Notification:
    return Notification.objects.create(
        recipient=user, event="review_requested", title=title, url="/"
    )


def test_it_counts_the_readers_unread_notifications_only(owner, editor):
    assert unread_count(owner.pk) == 0
    first = notify(owner)
    assert unread_count(owner.pk) == 1
    notify(owner, "Again")
    notify(editor)  # someone else's
    assert unread_count(owner.pk) == 2
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    assert unread_count(owner.pk) == 1
    assert unread_count(editor.pk) == 1


def test_the_top_bar_shows_it(client, owner):
    client.force_login(owner)
    notify(owner)
    notify(owner)
    html = client.get("/").content.decode()
    assert '<span class="unread-count">2</span>' in html
