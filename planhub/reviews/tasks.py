"""Who hears about a review's events, worked out by the background worker after the request:
the people concerned (planhub.notifications) and the project's webhooks (planhub.webhooks).

Each job reads the state as it is when it runs; the request only says what happened."""

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.urls import reverse
from django_tasks import task

from planhub.notifications.models import Event, Notification
from planhub.notifications.notify import notify
from planhub.plans.models import Plan, Section, SignOffSlot, current_authors
from planhub.projects.models import Role
from planhub.webhooks.events import WebhookEvent
from planhub.webhooks.publish import publish

from .models import SectionDecision, SignOff
from .request_tasks import tell_requests_done
from .rules import Decision, PlanStatus, SignOffDecision, content_hash
from .status import decision_rows, review_plan, review_section
from .webhook_data import plan_data


def _user(user_id):
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def _section_data(section: Section, actor) -> dict:
    return {
        **plan_data(
            section.plan,
            actor,
            title=f"{section.plan.title} › {section}",
            url=section.get_absolute_url(),
        ),
        "section": {"id": section.pk, "heading": section.heading, "version": section.version},
    }


def _plan_owners(plan: Plan) -> list:
    """Who a plan belongs to: whoever created it, or the project's owners when nobody did."""
    if plan.created_by_id:
        return [plan.created_by_id]
    return list(plan.project.memberships.filter(role=Role.OWNER).values_list("user", flat=True))


@task()
def section_published(section_id: int, from_version: int, author_id: int | None) -> None:
    """A section got a new version: the approvals of the version it replaced went stale,
    sign-offs of the plan as it was went stale, and reviewers have something new to review."""
    section = Section.objects.select_related("plan__project").filter(pk=section_id).first()
    if section is None:
        return
    plan, author = section.plan, _user(author_id)
    stale_for = _approvals_made_stale(section, from_version)
    changes = reverse("section_changes", args=[plan.project.slug, plan.pk, section.pk])
    for reviewer_id in stale_for:
        notify(
            Event.APPROVAL_STALE,
            [reviewer_id],
            title=f"“{section}” changed after you approved it",
            detail=f"{author or 'Someone'} saved version {section.version}.",
            url=f"{changes}?since={from_version}&to={section.version}",
            actor=author,
            project=plan.project,
            plan=plan,
        )
    _notify_stale_signoffs(plan, author)
    _request_reviews(section, author, already_told=stale_for)
    publish(
        plan.project,
        WebhookEvent.SECTION_PUBLISHED,
        {**_section_data(section, author), "from_version": from_version},
    )


def _approvals_made_stale(section: Section, from_version: int) -> set[int]:
    """Reviewers whose last decision on the section approved `from_version`."""
    latest = {row.reviewer_id: row for row in decision_rows([section.pk])[section.pk]}
    return {
        reviewer_id
        for reviewer_id, row in latest.items()
        if row.decision == Decision.APPROVED and row.version == from_version
    }


def _request_reviews(section: Section, author, already_told: set[int]) -> None:
    """Tell the reviewers the new version waits for that there is something to review, once
    per plan until they have opened the notice."""
    review = review_section(section)
    plan = section.plan
    reviewers = plan.project.memberships.filter(role__in=[Role.OWNER, Role.REVIEWER]).values_list(
        "user", flat=True
    )
    told = set(
        Notification.objects.filter(
            event__in=[Event.REVIEW_REQUESTED, Event.REVIEW_ASKED], plan=plan, read_at__isnull=True
        ).values_list("recipient", flat=True)
    )
    waiting = [
        user_id
        for user_id in reviewers
        if review.waits_for(user_id) and user_id not in told and user_id not in already_told
    ]
    if waiting:
        notify(
            Event.REVIEW_REQUESTED,
            waiting,
            title=f"“{plan.title}” has sections waiting for your review",
            detail=f"{author or 'Someone'} saved “{section}”.",
            url=section.get_absolute_url(),
            actor=author,
            project=plan.project,
            plan=plan,
        )


def _notify_stale_signoffs(plan: Plan, author) -> None:
    """Signers whose sign-off no longer matches the plan's text, told once per sign-off."""
    live = plan.sections.order_by("position").values_list("pk", "version", named=True)
    current = content_hash(live)
    latest = SignOff.objects.filter(slot__plan=plan).values("slot").annotate(last=Max("pk"))
    signoffs = SignOff.objects.filter(
        pk__in=latest.values("last"), decision=SignOffDecision.SIGNED
    ).exclude(content_hash=current)
    for signoff in signoffs.select_related("slot"):
        already = Notification.objects.filter(
            event=Event.SIGNOFF_STALE,
            recipient_id=signoff.user_id,
            plan=plan,
            created_at__gte=signoff.created_at,
        ).exists()
        if already:
            continue
        notify(
            Event.SIGNOFF_STALE,
            [signoff.user_id],
            title=f"Your sign-off “{signoff.slot.name}” on “{plan.title}” no longer counts",
            detail=f"{author or 'Someone'} changed the plan after you signed it.",
            url=f"{plan.get_absolute_url()}#signoffs",
            actor=author,
            project=plan.project,
            plan=plan,
        )


@task()
def plan_restructured(plan_id: int, author_id: int | None) -> None:
    plan = Plan.objects.select_related("project").filter(pk=plan_id).first()
    if plan is not None:
        _notify_stale_signoffs(plan, _user(author_id))


@task()
def decision_recorded(decision_id: int) -> None:
    """A reviewer approved a section or requested changes on it."""
    decision = (
        SectionDecision.objects.select_related("section__plan__project", "reviewer")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        return
    section, reviewer = decision.section, decision.reviewer
    plan = section.plan
    data = {**_section_data(section, reviewer), "comment": decision.comment}
    if decision.decision == Decision.CHANGES_REQUESTED:
        writers = current_authors([section.pk]).get(section.pk, frozenset())
        notify(
            Event.CHANGES_REQUESTED,
            writers,
            title=f"{reviewer} requested changes on “{section}”",
            detail=decision.comment,
            url=section.get_absolute_url(),
            actor=reviewer,
            project=plan.project,
            plan=plan,
        )
        publish(plan.project, WebhookEvent.SECTION_CHANGES_REQUESTED, data)
    else:
        publish(plan.project, WebhookEvent.SECTION_APPROVED, data)
        _tell_if_approved(plan, reviewer)
    tell_requests_done(plan, reviewer)


@task()
def signoff_assigned(slot_id: int, by_id: int | None) -> None:
    slot = SignOffSlot.objects.select_related("plan__project").filter(pk=slot_id).first()
    if slot is None or slot.assignee_id is None:
        return
    plan = slot.plan
    notify(
        Event.SIGNOFF_ASSIGNED,
        [slot.assignee_id],
        title=f"You are asked to sign off “{plan.title}” as {slot.name}",
        url=f"{plan.get_absolute_url()}#signoffs",
        actor=_user(by_id),
        project=plan.project,
        plan=plan,
    )


@task()
def signoff_recorded(signoff_id: int) -> None:
    """The assignee signed a sign-off or declined it."""
    signoff = (
        SignOff.objects.select_related("slot__plan__project", "user").filter(pk=signoff_id).first()
    )
    if signoff is None:
        return
    plan, signer = signoff.slot.plan, signoff.user
    data = {
        **plan_data(
            plan,
            signer,
            title=f"{plan.title} › {signoff.slot.name}",
            url=f"{plan.get_absolute_url()}#signoffs",
        ),
        "signoff": {"slot": signoff.slot.name, "content_hash": signoff.content_hash},
    }
    if signoff.decision == SignOffDecision.DECLINED:
        notify(
            Event.SIGNOFF_DECLINED,
            _plan_owners(plan),
            title=f"{signer} declined to sign off “{plan.title}” as {signoff.slot.name}",
            detail=signoff.reason,
            url=f"{plan.get_absolute_url()}#signoffs",
            actor=signer,
            project=plan.project,
            plan=plan,
        )
        publish(plan.project, WebhookEvent.SIGNOFF_DECLINED, {**data, "reason": signoff.reason})
    else:
        publish(plan.project, WebhookEvent.SIGNOFF_SIGNED, data)
        _tell_if_approved(plan, signer)


def _tell_if_approved(plan: Plan, actor) -> None:
    """The plan's owners hear once when it is approved (again after each change of its text)."""
    plan.refresh_from_db(fields=["updated_at", "title"])
    review = review_plan(plan)
    if review.status != PlanStatus.APPROVED:
        return
    if Notification.objects.filter(
        event=Event.PLAN_APPROVED, plan=plan, created_at__gte=plan.updated_at
    ).exists():
        return
    owners = _plan_owners(plan)
    notify(
        Event.PLAN_APPROVED,
        owners,
        title=f"“{plan.title}” is approved",
        detail=f"Every section is approved and {review.signed_slots} sign-off"
        f"{'s are' if review.signed_slots != 1 else ' is'} signed.",
        url=plan.get_absolute_url(),
        actor=actor,
        project=plan.project,
        plan=plan,
    )
    publish(
        plan.project,
        WebhookEvent.PLAN_APPROVED,
        {
            **plan_data(plan, actor, title=plan.title, url=plan.get_absolute_url()),
            "content_hash": review.content_hash,
        },
    )
