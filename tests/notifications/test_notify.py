"""notify(): stored for each recipient (never the actor), then mailed as they chose — at once,
in ONE digest at their digest time, or not at all."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import strategies as st

from planhub.accounts.models import Profile
from planhub.mail.models import OutgoingMail
from planhub.notifications.delivery import schedule_digest
from planhub.notifications.models import DigestSchedule, Notification, Preference
from planhub.notifications.notify import notify
from planhub.notifications.preferences import save_preferences
from planhub.notifications.schedule import next_digest_time
from tests.worker import run_queued_tasks


def mention(plan, who, actor, n: int = 1):
    return notify(
        "mention",
        [who],
        title=f"{actor.username} mentioned you on {plan.title} ({n})",
        url=f"{plan.get_absolute_url()}#s{n}",
        actor=actor,
        plan=plan,
        detail="@rita can you check the rollback?",
    )


def digest_jobs():
    return DBTaskResult.objects.filter(task_path__endswith="send_digest", status="READY")


def make_due(user) -> None:
    """Bring the scheduled digest forward to now (as if its hour had come)."""
    past = timezone.now() - timedelta(seconds=1)
    DigestSchedule.objects.filter(user=user).update(due_at=past)
    digest_jobs().update(run_after=past)


def test_the_actor_is_never_notified_and_each_recipient_once(plan, owner, rita):
    stored = notify("mention", [rita, rita.pk, owner], title="t", url="/", actor=owner, plan=plan)
    assert [n.recipient for n in stored] == [rita]
    assert stored[0].project == plan.project


def test_only_the_projects_members_hear_about_it(plan, owner, rita, outsider):
    stored = notify("mention", [rita, outsider], title="t", url="/", actor=owner, plan=plan)
    assert [n.recipient for n in stored] == [rita]
    plan.project.memberships.filter(user=rita).delete()  # removed before the worker told her
    assert notify("mention", [rita], title="t", url="/", actor=owner, plan=plan) == []


def test_a_mention_is_mailed_at_once_with_both_parts_and_an_unsubscribe_link(
    plan, owner, rita, smtp
):
    mention(plan, rita, owner)
    assert smtp.messages == []
    run_queued_tasks()
    [message] = smtp.messages
    assert smtp.recipients == [["rita@example.com"]]
    assert message["Subject"] == f"olivia mentioned you on {plan.title} (1)"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    place = f"https://plans.example.com{plan.get_absolute_url()}#s1"
    assert place in text and f'href="{place}"' in html
    assert "@rita can you check the rollback?" in text
    unsubscribe = re.search(r"<(https://plans\.example\.com/notifications/unsubscribe/\S+/)>",
                            message["List-Unsubscribe"]).group(1)  # fmt: skip
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text and unsubscribe.replace("&", "&amp;") in html
    assert Notification.objects.get().mail == "immediate"


def test_never_means_the_inbox_only(plan, owner, rita, smtp):
    Preference.choose(rita, {"mention": "never"})
    mention(plan, rita, owner)
    run_queued_tasks()
    assert smtp.messages == [] and Notification.objects.filter(recipient=rita).count() == 1


def test_a_person_without_an_address_gets_no_mail(plan, owner, reviewer, smtp):
    mention(plan, reviewer, owner)
    run_queued_tasks()
    assert smtp.messages == [] and not OutgoingMail.objects.exists()


def test_thirty_mentions_make_one_digest_grouped_by_plan(plan, second_plan, owner, rita, smtp):
    Preference.choose(rita, {"mention": "digest", "comment_reply": "digest"})
    for n in range(25):
        mention(plan, rita, owner, n)
    for n in range(4):
        mention(second_plan, rita, owner, n)
    notify("comment_reply", [rita], title="Olivia replied", url="/x/", actor=owner, plan=plan)
    assert digest_jobs().count() == 1  # thirty notifications, one scheduled digest
    assert run_queued_tasks() == 0 and smtp.messages == []  # not before its time

    make_due(rita)
    run_queued_tasks()
    [message] = smtp.messages
    assert message["Subject"] == "PlanHub digest: 30 notifications"
    text = message.get_body(("plain",)).get_content()
    assert text.count("olivia mentioned you") == 29 and "Olivia replied" in text
    # Groups in order of their newest entry: the reply, on the first plan, came last.
    assert text.index(f"== {plan.title} ==") < text.index(f"== {second_plan.title} ==")
    assert text.count("== ") == 2  # one heading per plan
    html = message.get_body(("html",)).get_content()
    assert html.count("<h2") == 2
    # An unsubscribe link for each event type in it; the header covers both.
    assert "Someone mentioned me: https://plans.example.com/notifications/unsubscribe/" in text
    assert "Someone replied to my comment: https://" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert DigestSchedule.objects.get(user=rita).due_at is None
    assert not Notification.objects.filter(mail="digest", mailed_at__isnull=True).exists()


def test_a_digest_job_run_twice_mails_once_and_leaves_out_what_was_read(plan, owner, rita, smtp):
    Preference.choose(rita, {"mention": "digest"})
    first, second = mention(plan, rita, owner, 1)[0], mention(plan, rita, owner, 2)[0]
    first.mark_read()
    make_due(rita)
    [job] = digest_jobs()
    run_queued_tasks()
    from planhub.notifications.tasks import send_digest

    assert send_digest.call(rita.pk) == 0  # the job again: nothing more
    [message] = smtp.messages
    assert message["Subject"] == "PlanHub digest: 1 notification"
    text = message.get_body(("plain",)).get_content()
    assert second.title in text and first.title not in text
    # The next notification schedules the next digest.
    mention(plan, rita, owner, 3)
    assert digest_jobs().count() == 1


def test_nothing_waiting_means_no_digest_mail(plan, owner, rita, smtp):
    Preference.choose(rita, {"mention": "digest"})
    mention(plan, rita, owner)[0].mark_read()
    make_due(rita)
    run_queued_tasks()
    assert smtp.messages == []


def test_changing_the_digest_time_moves_the_scheduled_digest(plan, owner, rita, smtp):
    # A daily digest hours away from the next full hour, whatever the time of the run (the
    # default daily 8:00 and "hourly" fall on the same moment between 7:00 and 8:00).
    later = (timezone.now().hour + 6) % 24
    DigestSchedule.objects.create(user=rita, frequency="daily", hour=later)
    Preference.choose(rita, {"mention": "digest"})
    mention(plan, rita, owner)
    old_due = DigestSchedule.objects.get(user=rita).due_at
    save_preferences(rita, {}, "hourly", 8)
    new_due = DigestSchedule.objects.get(user=rita).due_at
    assert new_due != old_due and new_due <= timezone.now() + timedelta(hours=1)
    assert digest_jobs().count() == 2  # the old job will find it is not its turn any more
    DBTaskResult.objects.filter(run_after=old_due).update(run_after=timezone.now())
    run_queued_tasks()
    assert smtp.messages == []  # the superseded job sent nothing


def test_the_digest_comes_at_the_persons_hour_in_their_time_zone(owner, rita):
    profile = Profile.of(rita)
    profile.time_zone = "Asia/Tokyo"
    profile.save()
    DigestSchedule.objects.create(user=rita, frequency="daily", hour=9)
    schedule = schedule_digest(rita)
    local = schedule.due_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.hour, local.minute) == (9, 0)
    assert timezone.now() < schedule.due_at <= timezone.now() + timedelta(days=1)


ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc"))


@given(
    now=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    zone=st.sampled_from(ZONES),
    hour=st.integers(0, 23),
    frequency=st.sampled_from(["hourly", "daily"]),
)
def test_the_next_digest_time_is_soon_and_at_the_chosen_hour(now, zone, hour, frequency):
    now = now.replace(tzinfo=UTC)
    due = next_digest_time(now, ZoneInfo(zone), frequency, hour)
    assert due > now
    if frequency == "hourly":
        assert due - now <= timedelta(hours=1) and due.minute == due.second == 0
    else:
        assert due - now <= timedelta(hours=26)  # a day, and a clock change
        local = due.astimezone(ZoneInfo(zone))
        wanted = datetime.combine(local.date(), time(hour), tzinfo=ZoneInfo(zone))
        exists = wanted.astimezone(UTC).astimezone(ZoneInfo(zone)).hour == hour
        # The chosen hour, unless the clock skipped it that day (then just after the gap).
        assert (local.hour, local.minute) == (hour, 0) or not exists


@pytest.mark.parametrize("bad", ["mention ", "nope"])
def test_an_unknown_event_is_refused(plan, owner, rita, bad):
    with pytest.raises(ValueError):
        notify(bad, [rita], title="t", url="/", plan=plan)
    assert not Notification.objects.exists()
