"""Versions (baselines): an approved plan frozen under a name. A version keeps a copy of what
was approved (the text of every section, the decisions and sign-offs that counted, the content
hash they were tied to, who froze it and when, and the audit ledger's head after the freeze)
and is never changed afterwards: editing goes on in the working copy (the plan's sections)."""

import re

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from planhub.ledger.chain import Action, append_many, head, sha256_text
from planhub.plans.models import Plan, Section
from planhub.reviews.models import SignOff
from planhub.reviews.rules import PlanStatus, SlotStatus
from planhub.reviews.status import review_plan

NAME_MAX = 40
NOTE_MAX = 2000
# A name people say and type: letters, digits, and . _ - + ( ) and spaces inside.
NAME_PATTERN = re.compile(r"[\w.+()\-]([\w .+()\-]*[\w.+()\-])?")


class FreezeRefused(Exception):
    """The version was not frozen; the message says why, for the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field  # the form field the message belongs to ("name", "note"), or None


class Immutable(Exception):
    """A frozen version (or its text) is never changed or deleted through the app."""


def check_name(name: str) -> str:
    """The version name, stripped; FreezeRefused (field "name") when it is no good."""
    name = name.strip()
    if not name:
        raise FreezeRefused("Give the version a name, e.g. v1.0.", "name")
    if len(name) > NAME_MAX:
        raise FreezeRefused(
            f"A version name has at most {NAME_MAX} characters (this one has {len(name)}).", "name"
        )
    if not NAME_PATTERN.fullmatch(name):
        raise FreezeRefused(
            "A version name may hold letters, digits, spaces and . _ - + ( ) only, "
            "e.g. v1.0 or 2026-Q1 release.",
            "name",
        )
    return name


def display_name(user) -> str:
    """How a person is printed on a version: their full name and username, or the username."""
    if user is None:
        return "(a deleted user)"
    full = user.get_full_name().strip()
    return f"{full} ({user.username})" if full else user.username


def _json_row(instance) -> dict:
    """Every concrete field of `instance` as JSON-able values (whatever fields it has today:
    a sign-off's printed name, time zone, meaning and identity check are kept when present)."""
    row = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        row[field.attname] = DjangoJSONEncoder().default(value) if _needs_encoding(value) else value
    return row


def _needs_encoding(value) -> bool:
    return value is not None and not isinstance(value, str | int | float | bool)


class PlanVersionQuerySet(models.QuerySet):
    def latest_of(self, plan) -> "PlanVersion | None":
        return self.filter(plan=plan).order_by("-frozen_at", "-pk").first()


class PlanVersion(models.Model):
    """A frozen, approved version of a plan. Never updated: see `freeze`."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(max_length=NAME_MAX)
    note = models.TextField(blank=True)
    title = models.TextField(help_text="The plan's title when it was frozen.")
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    frozen_by_name = models.CharField(max_length=300, help_text="As printed on the version.")
    frozen_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(
        max_length=64, help_text="The plan's content hash (what its sign-offs were tied to)."
    )
    ledger_head = models.CharField(
        max_length=128, blank=True, help_text="The project's ledger head after the freeze entry."
    )
    # The sign-offs that counted: each slot's name, assignee and the SignOff row as it was.
    signoffs = models.JSONField(default=list, encoder=DjangoJSONEncoder)

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-frozen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="planversion_unique_name"),
        ]
        indexes = [
            # The plan page, its API and the versions list read a plan's versions, newest first.
            models.Index(fields=["plan", "-frozen_at"], name="planversion_plan_frozen"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise Immutable("A frozen version is never changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("version_detail", args=[self.plan.project.slug, self.plan_id, self.pk])

    def delete(self, *args, **kwargs):
        raise Immutable("A frozen version is never deleted.")

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]

    @classmethod
    def freeze(cls, plan: Plan, *, user, membership, name: str, note: str, seen_hash: str):
        """Freeze `plan` as it is, under `name`: only an owner, only an approved plan, only the
        content the owner saw (`seen_hash`, the content hash their page showed).

        The plan row is locked (as a section save and a sign-off lock it) while the sections
        are read, judged and copied: a save committing at the same moment comes before (then
        the hash differs and nothing is frozen) or after (then it is the working copy's)."""
        if membership is None or not membership.can_manage:
            raise FreezeRefused("Only the project's owners can freeze a version.")
        name = check_name(name)
        note = note.strip()
        if len(note) > NOTE_MAX:
            raise FreezeRefused(
                f"A note has at most {NOTE_MAX} characters (this one has {len(note)}).", "note"
            )
        with transaction.atomic():
            locked = Plan.objects.select_for_update().select_related("project").get(pk=plan.pk)
            sections = list(Section.objects.filter(plan=locked).select_related("updated_by"))
            review = review_plan(locked, sections)
            if review.status != PlanStatus.APPROVED:
                raise FreezeRefused(why_not_approved(review))
            if seen_hash != review.content_hash:
                raise FreezeRefused(
                    "The plan changed while you were reading it. Nothing was frozen: read the "
                    "plan again, then freeze it."
                )
            if cls.objects.filter(plan=locked, name=name).exists():
                raise FreezeRefused(f"This plan already has a version named “{name}”.", "name")
            version = cls(
                plan=locked,
                name=name,
                note=note,
                title=locked.title,
                frozen_by=user,
                frozen_by_name=display_name(user),
                frozen_at=timezone.now(),
                content_hash=review.content_hash,
                signoffs=[_frozen_signoff(slot_review) for slot_review in review.slots],
            )
            version.save(force_insert=True)
            FrozenSection.objects.bulk_create(
                FrozenSection.of(version, section, review.by_section[section.pk])
                for section in sections
            )
            frozen = list(version.sections.order_by("position", "pk"))
            append_many(
                project_id=locked.project_id,
                actor=user,
                items=[
                    (
                        Action.BASELINE_FROZEN,
                        version,
                        {
                            "plan": locked.pk,
                            "name": version.name,
                            "note": version.note,
                            "content_hash": version.content_hash,
                            "sections": [[s.pk, s.version] for s in sections],
                        },
                    ),
                    # One entry per frozen section, holding digests of what the version's
                    # page and exports show: verify_ledger finds a frozen text changed since.
                    *((Action.BASELINE_SECTION, f, f.ledger_data()) for f in frozen),
                ],
            )
            # The ledger head after the freeze entry: the PDF prints it, an auditor checks it.
            # Set once, in the transaction that created the row (not an update path).
            version.ledger_head = head(locked.project_id)
            cls.objects.filter(pk=version.pk).update(ledger_head=version.ledger_head)
        return version


def why_not_approved(review) -> str:
    """Why a plan that is not approved cannot be frozen, counted."""
    left = len(review.sections) - review.approved_sections
    unsigned = len(review.slots) - review.signed_slots
    parts = []
    if left:
        parts.append(f"{left} section{'s' if left != 1 else ''} not approved")
    if unsigned:
        parts.append(f"{unsigned} sign-off{'s' if unsigned != 1 else ''} not signed")
    if not review.sections:
        parts.append("no sections")
    detail = " and ".join(parts) or "not approved"
    return f"Only an approved plan can be frozen: {detail}."


def _frozen_signoff(slot_review) -> dict:
    latest: SignOff | None = slot_review.latest
    return {
        "slot": slot_review.slot.name,
        "slot_id": slot_review.slot.pk,
        "assignee": slot_review.slot.assignee.username if slot_review.slot.assignee else "",
        "status": slot_review.status,
        "counted": slot_review.status == SlotStatus.SIGNED,
        "signer": display_name(latest.user) if latest is not None else "",
        "record": _json_row(latest) if latest is not None else None,
    }


class FrozenSection(models.Model):
    """One section of a frozen version, as it was: its text, rendered HTML and the decisions
    that counted on that version."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="sections")
    section_id = models.PositiveBigIntegerField(help_text="The working copy's section id.")
    position = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField()
    heading = models.TextField(blank=True)
    heading_source = models.TextField(blank=True)
    body = models.TextField(blank=True)
    heading_html = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    section_version = models.PositiveIntegerField()
    status = models.CharField(max_length=20)
    decisions = models.JSONField(default=list, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "section_id"], name="frozensection_unique_section"
            ),
        ]

    def __str__(self) -> str:
        return self.heading or "(text before the first heading)"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise Immutable("A frozen section is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immutable("A frozen section is never deleted.")

    @property
    def source(self) -> str:
        return self.heading_source + self.body

    @property
    def anchor(self) -> str:
        return f"section-{self.section_id}"

    def ledger_data(self) -> dict:
        """What the ledger keeps of a frozen section: digests of every text the version shows
        (verify_ledger compares them with the row)."""
        return {
            "plan_id": self.version.plan_id,
            "version": self.version_id,
            "section_id": self.section_id,
            "section_version": self.section_version,
            "position": self.position,
            "level": self.level,
            "heading": self.heading,
            "heading_source_sha256": sha256_text(self.heading_source),
            "body_sha256": sha256_text(self.body),
            "heading_html_sha256": sha256_text(self.heading_html),
            "body_html_sha256": sha256_text(self.body_html),
            "status": self.status,
        }

    @classmethod
    def of(cls, version: PlanVersion, section: Section, section_review) -> "FrozenSection":
        return cls(
            version=version,
            section_id=section.pk,
            position=section.position,
            level=section.level,
            heading=section.heading,
            heading_source=section.heading_source,
            body=section.body,
            heading_html=section.heading_html,
            body_html=section.body_html,
            section_version=section.version,
            status=section_review.status,
            decisions=[
                {
                    "reviewer": a.reviewer.username,
                    "reviewer_id": a.reviewer_id,
                    "decision": a.decision,
                    "version": a.version,
                    "comment": a.comment,
                    "created_at": a.created_at,
                }
                for a in section_review.current
            ],
        )
