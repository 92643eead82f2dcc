"""Reviews: section approvals (tied to a section version), plan sign-offs (tied to the plan's
content), and comments. All append-only except a comment thread's resolved state."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from planhub.accounts.models import Profile
from planhub.document.comments import RenderedComment, render_comment
from planhub.ledger.chain import Action, append
from planhub.lib.compiled_query import CompiledQuery, Param
from planhub.plans.models import Plan, Section, SignOffSlot, section_writers
from planhub.projects.models import Membership, Role

from . import signals, signature
from .audit import record_decision
from .mentions import mentionable
from .request_rules import RequestProgress, judge_request
from .rules import (
    APPROVAL_REFUSED_PLACEHOLDERS,
    Decision,
    ReviewRules,
    SignOffDecision,
    content_hash,
    judge_section,
)


class ReviewRefused(Exception):
    """The review is not allowed; the message says why, for the user."""


class PlaceholdersLeft(ReviewRefused):
    """Approval refused because the section still holds unfilled placeholders (the project's
    placeholder gate); changes can still be requested."""


class ContentChanged(Exception):
    """The section or plan changed after the reviewer loaded it: the decision is not recorded,
    so it can never count for content the reviewer did not see."""

    def __init__(self, current, message: str):
        super().__init__(message)
        self.current = current


# What an approval locks and checks against (a live section): compiled once per process.
LOCKED_SECTION = CompiledQuery(
    lambda: Section.objects.select_for_update().filter(
        pk=Param("section_id", models.BigIntegerField())
    )
)


class SectionDecision(models.Model):
    """A reviewer's decision on one version of a section: approved, or changes requested. It
    counts only while the section is still at `version`: any edit makes it stale. (Named
    Approval until it was clear it holds change requests too; the table kept that name.)"""

    section = models.ForeignKey("plans.Section", on_delete=models.CASCADE, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="section_decisions"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    version = models.PositiveIntegerField(help_text="The section version the decision was on.")
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "reviews_approval"
        ordering = ["created_at", "pk"]
        indexes = [
            # Status of a section: its decisions, newest last.
            models.Index(fields=["section", "created_at"], name="approval_section_time"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.decision} {self.section} v{self.version}"

    def is_current(self, section) -> bool:
        return self.version == section.version

    @property
    def verb(self) -> str:
        return Decision(self.decision).verb

    @property
    def verb_on(self) -> str:
        return Decision(self.decision).verb_on

    @staticmethod
    def check_may_approve(section, reviewer, rules) -> None:
        """Raise ReviewRefused (PlaceholdersLeft) if `reviewer` may not approve the section's
        current version: placeholders left, or they wrote it (the rules of status.py)."""
        writers = section_writers(section.pk)
        section.current_writers = writers  # the answer's review bar needs them too
        refusal = judge_section(section, [], rules, authors=writers).refusal(reviewer.pk)
        if refusal == APPROVAL_REFUSED_PLACEHOLDERS:
            count = section.placeholder_count
            raise PlaceholdersLeft(
                f"This section still has {count} unfilled placeholder{'s' if count != 1 else ''} "
                "([bracketed text] or NEEDS CLARIFICATION). It can be approved once they are "
                "filled in; you can request changes meanwhile."
            )
        if refusal is not None:
            raise ReviewRefused(
                "You wrote this version of the section, and this project does not let "
                "authors approve their own text: another reviewer has to approve it."
            )

    @classmethod
    def record(cls, *, section, reviewer, decision: str, version: int, comment: str = ""):
        """Record `reviewer`'s decision on `version` of `section`.

        The section row is locked while checking, so an edit committing at the same moment
        either comes first (ContentChanged) or makes this approval stale afterwards.
        """
        with transaction.atomic():
            locked = LOCKED_SECTION.get(section_id=section.pk)
            if locked is None:
                raise Section.DoesNotExist(f"Section {section.pk} was deleted.")
            locked.plan = section.plan
            if locked.version != version:
                raise ContentChanged(
                    locked,
                    f"This section changed while you were reading it (now version "
                    f"{locked.version}). Nothing was recorded: read the new text, then decide.",
                )
            rules = ReviewRules.of(section.plan.project)
            if decision == Decision.APPROVED:
                cls.check_may_approve(locked, reviewer, rules)
            recorded = cls.objects.create(
                section=locked,
                reviewer=reviewer,
                decision=decision,
                version=version,
                comment=comment,
            )
            record_decision(recorded, locked)
            signals.decision_recorded.send(sender=cls, decision=recorded)
            if section.version == locked.version and hasattr(locked, "current_writers"):
                section.current_writers = locked.current_writers  # read under the lock
            return recorded

    @classmethod
    def record_many(cls, *, plan, reviewer, shown, decision: str = Decision.APPROVED):
        """`reviewer`'s `decision` on each (section id, version shown) of `plan`, each through
        `record` in its own transaction: a section changed meanwhile (or refused) leaves the
        others' decisions standing, so what the reader read is never thrown away because of a
        colleague's edit elsewhere; every decision is tied to the version shown, sends
        `decision_recorded` and reaches the ledger exactly as a single one does."""
        sections = {
            s.pk: s for s in Section.objects.filter(plan=plan).select_related("plan__project")
        }
        mine = set(
            cls.objects.filter(
                section__in=list(sections), reviewer=reviewer, decision=decision
            ).values_list("section_id", "version")
        )
        recorded, refused, seen = [], [], set()
        for section_id, version in shown:
            if section_id in seen:
                continue
            seen.add(section_id)
            section = sections.get(section_id)
            if section is None:
                refused.append(
                    Unrecorded(None, section_id, version, "It is no longer in this plan.")
                )
            elif (section_id, version) in mine and section.version == version:
                reason = "You had already decided on this version."
                refused.append(Unrecorded(section, section_id, version, reason))
            else:
                try:
                    recorded.append(
                        cls.record(
                            section=section, reviewer=reviewer, decision=decision, version=version
                        )
                    )
                except (ContentChanged, ReviewRefused) as error:
                    refused.append(Unrecorded(section, section_id, version, str(error)))
        return ManyRecorded(recorded=recorded, refused=refused)


class SignOff(models.Model):
    """The assignee's decision on a slot, tied to the plan's content at that moment."""

    slot = models.ForeignKey(SignOffSlot, on_delete=models.CASCADE, related_name="signoffs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=20, choices=SignOffDecision.choices)
    reason = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # The signature record (21 CFR 11.50; docs/signing.md), fixed at signing: the signer's
    # name and time zone then, what the signature means, and how their identity was checked.
    printed_name = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    meaning = models.TextField(blank=True)
    identity_check = models.CharField(max_length=40, default="not recorded")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.decision} {self.slot}"

    @staticmethod
    def check_may_sign(slot, user) -> None:
        """Raise ReviewRefused unless `user` is the slot's assignee (the only one who signs)."""
        if user.pk != slot.assignee_id:
            raise ReviewRefused("Only the member assigned to this sign-off can decide it.")

    @classmethod
    def record(
        cls,
        slot,
        *,
        user,
        decision: str,
        reason: str,
        seen_hash: str,
        identity_check: str = "not recorded",
    ) -> "SignOff":
        """The slot's assignee signs off (or declines) the plan as it was when they loaded it;
        `identity_check` says how the caller re-authenticated them ("password", "sso:corp")."""

        cls.check_may_sign(slot, user)
        with transaction.atomic():
            plan = Plan.objects.select_for_update().get(pk=slot.plan_id)
            live = plan.sections.order_by("position").values_list("pk", "version", named=True)
            current = content_hash(live)
            if current != seen_hash:
                raise ContentChanged(
                    plan,
                    "The plan changed while you were reading it. Nothing was recorded: "
                    "look at the changes, then sign off again.",
                )
            printed_name, zone = signature.signer(user)
            recorded = cls.objects.create(
                slot=slot,
                user=user,
                decision=decision,
                reason=reason,
                content_hash=current,
                printed_name=printed_name,
                time_zone=zone,
                meaning=signature.meaning(slot.name, decision, reason),
                identity_check=identity_check,
            )
            append(
                project_id=plan.project_id,
                action=Action.SIGNOFF,
                actor=user,
                target=recorded,
                data=signature.ledger_data(recorded),
            )
            signals.signoff_recorded.send(sender=cls, signoff=recorded)
            return recorded


class CommentRefused(Exception):
    """A change to a comment that is not allowed; the message says why, for the user."""


class Comment(models.Model):
    """A comment on a section, in Markdown; a reply has a parent. Threads (top-level comments)
    resolve. Its author may edit it (`edited_at`) or delete it: a thread that has replies keeps
    its place as "comment deleted" (`deleted_at`, its text gone), anything else goes."""

    section = models.ForeignKey("plans.Section", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField()
    # The body rendered (Markdown, mentions of the members at the time), sanitized.
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # Open-thread counts per section on the plan page.
            models.Index(fields=["section", "parent", "resolved_at"], name="comment_open_threads"),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"

    def save(self, *args, **kwargs):
        # Comments made without `write` (the admin, fixtures) are rendered too.
        if self.body and not self.body_html and not self.is_deleted:
            self.body_html = self.rendered(self.body).html
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        plan = self.section.plan
        url = reverse("comments", args=[plan.project.slug, plan.pk, self.section_id])
        return f"{url}#comment-{self.pk}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def html(self) -> str:
        """The body as safe HTML (rendered now if it never was: a bulk-created comment)."""
        if self.is_deleted:
            return ""
        return self.body_html or render_comment(self.body).html

    def rendered(self, body: str, members: dict[str, str] | None = None) -> RenderedComment:
        """`body` rendered, mentioning `members` (default: the project's members now)."""
        if members is None:
            members = mentionable(self.section.plan.project_id)
        return render_comment(body, members)

    @classmethod
    def write(cls, *, section, author, body: str, parent: "Comment | None" = None) -> "Written":
        """A new comment (or reply to the thread `parent`) by `author`, rendered, with whom
        it mentions."""
        comment = cls(section=section, author=author, parent=parent, body=body)
        rendered = comment.rendered(body)
        comment.body_html = rendered.html
        comment.save()
        return Written(comment, rendered.mentioned)

    def check_may_change(self, user) -> None:
        if self.author_id != user.pk:
            raise CommentRefused("Only its author can change a comment.")
        if self.is_deleted:
            raise CommentRefused("This comment was deleted.")

    def edit(self, user, body: str) -> "Written":
        """`body` for this comment (by its author), marked edited; `mentioned` are only those
        it did not mention before."""
        self.check_may_change(user)
        members = mentionable(self.section.plan.project_id)
        before = self.rendered(self.body, members).mentioned
        rendered = self.rendered(body, members)
        if body != self.body:
            self.body, self.body_html, self.edited_at = body, rendered.html, timezone.now()
            self.save(update_fields=["body", "body_html", "edited_at"])
        return Written(self, rendered.mentioned - before)

    @transaction.atomic
    def delete_by(self, user) -> None:
        """Delete it (its author only). A thread with replies stays, as "comment deleted",
        until its last reply goes; a deleted thread's last reply takes the thread with it."""
        self.check_may_change(user)
        if self.parent_id is None and self.replies.exists():
            self.body, self.body_html, self.deleted_at = "", "", timezone.now()
            self.save(update_fields=["body", "body_html", "deleted_at"])
            return
        self.delete()
        parent = self.parent
        if parent is not None and parent.is_deleted and not parent.replies.exists():
            parent.delete()

    def resolve(self, user) -> None:
        self.resolved_at, self.resolved_by = timezone.now(), user
        self.save(update_fields=["resolved_at", "resolved_by"])

    def reopen(self) -> None:
        self.resolved_at, self.resolved_by = None, None
        self.save(update_fields=["resolved_at", "resolved_by"])


@dataclass(frozen=True)
class Written:
    """A comment just written or edited, and the usernames it newly mentions."""

    comment: Comment
    mentioned: frozenset[str]


class RequestRefused(Exception):
    """A review request that cannot be made or cancelled; the message says why, for the user."""


def zone_of(user):
    """`user`'s time zone (Profile.time_zone; UTC without a profile)."""
    try:
        return user.profile.zone
    except Profile.DoesNotExist:
        return Profile().zone


class ReviewRequestQuerySet(models.QuerySet):
    def progress(self) -> dict[int, RequestProgress]:
        """{request id: RequestProgress} for these requests (their reviewers' profiles read
        with them for "today"), in three queries whatever their number."""
        return progress_of(list(self.select_related("reviewer__profile")))


def progress_of(requests: list["ReviewRequest"]) -> dict[int, RequestProgress]:
    """{request id: RequestProgress} for `requests` (read with `reviewer__profile`): two
    queries (none without requests)."""
    asked = {int(pk) for r in requests for pk in r.asked}
    if not asked:
        live: set[int] = set()
    else:
        live = set(Section.objects.filter(pk__in=asked).values_list("pk", flat=True))
    decided: dict[tuple[int, int], int] = {}
    if live:
        rows = (
            SectionDecision.objects.filter(
                section__in=live, reviewer__in={r.reviewer_id for r in requests}
            )
            .values_list("section", "reviewer")
            .annotate(last=models.Max("version"))
        )
        for section_id, reviewer_id, version in rows:
            decided[section_id, reviewer_id] = version
    now = timezone.now()
    return {r.pk: r.judge(live, decided, now) for r in requests}


class ReviewRequest(models.Model):
    """A member asks a reviewer (or owner) by name to review a plan: every section live at that
    moment, each at its version then (`asked`), optionally by a date. Done and overdue are
    computed from the reviewer's decisions (request_rules.py), never stored."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="review_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_requests"
    )
    due = models.DateField(null=True, blank=True, help_text="In the reviewer's time zone.")
    message = models.TextField(blank=True)
    # {section id (a JSON key, so a string): the section's version when asked}.
    asked = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReviewRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The dashboard's queue: a reviewer's requests not cancelled.
            models.Index(fields=["reviewer", "cancelled_at"], name="reviewrequest_queue"),
            # The plan's list of requests, newest first.
            models.Index(fields=["plan", "created_at"], name="reviewrequest_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.requested_by} asks {self.reviewer} to review {self.plan}"

    @property
    def asked_versions(self) -> dict[int, int]:
        return {int(pk): version for pk, version in self.asked.items()}

    def judge(self, live, decided: dict[tuple[int, int], int], now) -> RequestProgress:
        """This request's progress, from `live` section ids and `decided` {(section id,
        reviewer id): highest version decided}."""
        mine = {s: v for (s, r), v in decided.items() if r == self.reviewer_id}
        return judge_request(
            self.asked_versions,
            live,
            mine,
            due=self.due,
            today=now.astimezone(zone_of(self.reviewer)).date(),
            cancelled=self.cancelled_at is not None,
        )

    @classmethod
    def create(cls, plan, *, by, reviewers, due=None, message: str = "") -> list["ReviewRequest"]:
        """`by` asks each of `reviewers` (users who review or own the project; never `by`) to
        review `plan` as it is now. Refused (nothing made) when the plan has no section or one
        of them already has an open request on it: that one is to be cancelled first."""
        with transaction.atomic():
            Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one request at a time
            reviewers = sorted({r.pk: r for r in reviewers}.values(), key=lambda r: r.pk)
            if not reviewers:
                raise RequestRefused("Choose at least one reviewer.")
            if plan.is_archived:
                raise RequestRefused("This plan is archived: restore it to ask for a review.")
            if any(r.pk == by.pk for r in reviewers):
                raise RequestRefused("You cannot ask yourself for a review: choose someone else.")
            allowed = set(
                Membership.objects.filter(
                    project=plan.project_id,
                    user__in=reviewers,
                    role__in=[Role.OWNER, Role.REVIEWER],
                ).values_list("user", flat=True)
            )
            if outside := [r for r in reviewers if r.pk not in allowed]:
                names = ", ".join(r.get_username() for r in outside)
                raise RequestRefused(f"Only reviewers and owners of this project review: {names}.")
            asked = dict(plan.sections.values_list("pk", "version"))
            if not asked:
                raise RequestRefused("This plan has no sections to review yet.")
            pending = list(
                cls.objects.filter(
                    plan=plan, reviewer__in=reviewers, cancelled_at=None
                ).select_related("reviewer__profile")
            )
            progress = progress_of(pending)
            if busy := [r for r in pending if progress[r.pk].open]:
                names = ", ".join(sorted(r.reviewer.get_username() for r in busy))
                raise RequestRefused(
                    f"Already asked and not done yet: {names}. Cancel that request first to "
                    "ask again with another date or message."
                )
            made = []
            for reviewer in reviewers:
                request = cls.objects.create(
                    plan=plan,
                    requested_by=by,
                    reviewer=reviewer,
                    due=due,
                    message=message,
                    asked={str(pk): version for pk, version in asked.items()},
                )
                append(
                    project_id=plan.project_id,
                    action=Action.REVIEW_REQUESTED,
                    actor=by,
                    target=request,
                    data={
                        "plan": plan.pk,
                        "reviewer": reviewer.pk,
                        "due": due.isoformat() if due else None,
                        "message": message,
                        "sections": request.asked,
                    },
                )
                made.append(request)
            signals.review_requested.send(sender=cls, requests=made)
            return made

    def check_may_cancel(self, user, *, is_owner: bool) -> None:
        if self.cancelled_at is not None:
            raise RequestRefused("This request was already cancelled.")
        if user.pk != self.requested_by_id and not is_owner:
            raise RequestRefused("Only whoever asked, or an owner, can cancel a review request.")

    def cancel(self, user, *, is_owner: bool) -> None:
        self.check_may_cancel(user, is_owner=is_owner)
        self.cancelled_at, self.cancelled_by = timezone.now(), user
        with transaction.atomic():
            updated = ReviewRequest.objects.filter(pk=self.pk, cancelled_at=None).update(
                cancelled_at=self.cancelled_at, cancelled_by=user
            )
            if not updated:
                raise RequestRefused("This request was already cancelled.")
            append(
                project_id=self.plan.project_id,
                action=Action.REVIEW_REQUEST_CANCELLED,
                actor=user,
                target=self,
                data={"plan": self.plan_id, "reviewer": self.reviewer_id},
            )


@dataclass(frozen=True)
class Unrecorded:
    """A section `record_many` did not decide, and why (for the user)."""

    section: "Section | None"
    section_id: int
    version: int
    reason: str


@dataclass(frozen=True)
class ManyRecorded:
    """What `SectionDecision.record_many` did."""

    recorded: list
    refused: list[Unrecorded]
