"""Presence: who has a plan open, and which section they are editing.

Polls of the live endpoint keep a heartbeat: one row per (plan, user), upserted when it is
HEARTBEAT_EVERY old or what the person does changed. A row counts while it is younger than
PRESENCE_TTL; older rows are deleted along with a later heartbeat. Nothing is kept in a web
process, so any number of app servers share one view of who is here.

A page whose push channel is open polls only every few minutes (static/js/live.js): its
heartbeat is `pushed` and counts for PUSHED_TTL. Instead of being polled for, presence is then
pushed: a heartbeat others have not seen (someone arrived, opened or closed an editor) is
announced to the plan's group, and closing the socket deletes the pushed heartbeat and
announces that (consumers.py); the pages hearing it poll at once.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

# A heartbeat counts for this long: several poll intervals (3 s), so one slow or lost poll
# does not make a person flicker away; a closed or hidden tab disappears within it (a tab
# whose push channel is open: see PUSHED_TTL).
PRESENCE_TTL = timedelta(seconds=30)
# A poll writes its heartbeat only when it is this old (or what the person does changed): most
# polls only read, which keeps writes (and SQLite's write lock) off the hot path.
HEARTBEAT_EVERY = timedelta(seconds=10)
# A page with its socket open polls every 5 minutes: two of its polls and a margin. The socket's
# close deletes it before that; this bounds how long a server's crash leaves someone "here".
PUSHED_TTL = timedelta(minutes=11)
PUSHED_HEARTBEAT_EVERY = timedelta(minutes=1)


class PresenceQuerySet(models.QuerySet):
    def heartbeat(
        self, *, plan, user, section_id: int | None, now: datetime, pushed: bool = False
    ) -> None:
        """`user` is on `plan` now, editing `section_id` (or just reading): one upsert."""
        self.bulk_create(
            [Presence(plan=plan, user=user, section_id=section_id, last_seen=now, pushed=pushed)],
            update_conflicts=True,
            unique_fields=["plan", "user"],
            update_fields=["section", "last_seen", "pushed"],
        )

    def touch(
        self, plan, user, *, section_id: int | None, now: datetime, pushed: bool = False
    ) -> tuple[list["Presence"], bool]:
        """`user` is on `plan` now, editing `section_id` (or just reading), with the page's
        push channel open or not: write the heartbeat when it is due or what they do changed
        (and then delete everyone's expired ones, on every plan). Gives back everyone else who
        is here, by name, and whether the others see something new (to be announced)."""
        here = list(self.here(plan, now))
        mine = next((row for row in here if row.user_id == user.pk), None)
        if mine is None or not mine.is_fresh(section_id, now, pushed):
            self.heartbeat(plan=plan, user=user, section_id=section_id, now=now, pushed=pushed)
            self.expired(now).delete()
        news = mine is None or mine.section_id != section_id
        return [row for row in here if row.user_id != user.pk], news

    def here(self, plan, now: datetime) -> "PresenceQuerySet":
        """Everyone with a live heartbeat on `plan`, by name."""
        live = Q(last_seen__gte=now - PRESENCE_TTL)
        live |= Q(pushed=True, last_seen__gte=now - PUSHED_TTL)
        return (
            self.filter(live, plan=plan)
            .select_related("user")
            .only(
                "section",
                "last_seen",
                "pushed",
                "user__username",
                "user__first_name",
                "user__last_name",
            )
            .order_by("user__username")
        )

    def expired(self, now: datetime) -> "PresenceQuerySet":
        return self.filter(
            Q(last_seen__lt=now - PUSHED_TTL) | Q(pushed=False, last_seen__lt=now - PRESENCE_TTL)
        )


class Presence(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(
        "plans.Section",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The section whose editor is open; empty while only reading.",
    )
    last_seen = models.DateTimeField()
    pushed = models.BooleanField(
        default=False, help_text="The page's push channel is open: the heartbeat counts longer."
    )

    objects = PresenceQuerySet.as_manager()

    class Meta:
        constraints = [
            # One heartbeat row per person and plan (the upsert's conflict target). Its index
            # also serves `here()`: a plan's rows, a handful, filtered by last_seen.
            models.UniqueConstraint(fields=["plan", "user"], name="presence_unique_plan_user"),
        ]
        indexes = [
            # `expired()`: each heartbeat write deletes the expired rows of all plans.
            models.Index(fields=["last_seen"], name="presence_last_seen"),
        ]

    def __str__(self) -> str:
        doing = f"editing section {self.section_id}" if self.section_id else "reading"
        return f"{self.user} on plan {self.plan_id}, {doing}"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def initials(self) -> str:
        parts = self.name.split()
        letters = "".join(part[0] for part in parts[:2]) if len(parts) > 1 else self.name[:1]
        return letters.upper()

    def as_json(self) -> dict:
        return {
            "user": self.user.username,
            "name": self.name,
            "initials": self.initials,
            "editing": self.section_id,
        }

    def is_fresh(self, section_id: int | None, now: datetime, pushed: bool = False) -> bool:
        """This heartbeat still says what the person does, and will for a while."""
        every = PUSHED_HEARTBEAT_EVERY if pushed else HEARTBEAT_EVERY
        return (
            self.section_id == section_id and self.pushed == pushed and now - self.last_seen < every
        )
