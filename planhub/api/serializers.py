"""The JSON of `/api/plans/<id>/`: a plan's computed review status (keep the keys stable)."""

from planhub.baselines.models import PlanVersion
from planhub.ledger.chain import head_json
from planhub.reviews.models import SectionDecision
from planhub.reviews.rules import PlanReview, SectionReview, SlotReview, SlotStatus


def approval_json(approval: SectionDecision, current: bool) -> dict:
    return {
        "reviewer": approval.reviewer.username,
        "decision": approval.decision,
        "version": approval.version,
        "current": current,
    }


def section_json(review: SectionReview) -> dict:
    section = review.section
    approvals = [approval_json(a, True) for a in review.current]
    approvals += [approval_json(a, False) for a in review.stale]
    return {
        "id": section.pk,
        "heading": section.heading,
        "level": section.level,
        "version": section.version,
        "status": review.status,
        "placeholders": review.placeholders,
        "approvals": approvals,
    }


def signoff_json(review: SlotReview) -> dict:
    slot = review.slot
    signed = review.status == SlotStatus.SIGNED
    return {
        "slot": slot.name,
        "assignee": slot.assignee.username if slot.assignee else None,
        "status": review.status,
        # Only a sign-off that still counts has a time; a stale or declined one is null.
        "signed_at": review.latest.created_at if signed else None,
        # The latest decision's signature record, as the page and the exports print it.
        "signature": signature_json(review.latest) if review.latest else None,
    }


def signature_json(signoff) -> dict:
    return {
        "printed_name": signoff.printed_name,
        "signed_at": signoff.created_at,
        "time_zone": signoff.time_zone,
        "meaning": signoff.meaning,
        "content_hash": signoff.content_hash,
        "identity_check": signoff.identity_check,
    }


def plan_json(review: PlanReview, url: str) -> dict:
    plan = review.plan
    return {
        "id": plan.pk,
        "title": plan.title,
        "project": plan.project.slug,
        "url": url,
        "status": review.status,
        "placeholders": review.placeholders,
        "approved_sections": review.approved_sections,
        "total_sections": len(review.sections),
        "content_hash": review.content_hash,
        "updated_at": plan.updated_at,
        "sections": [section_json(r) for r in review.sections],
        "signoffs": [signoff_json(r) for r in review.slots],
        # The latest frozen version (null when none); `status` above is the working copy's.
        "baseline": baseline_json(PlanVersion.objects.latest_of(plan)),
        # The project's audit ledger (one chain per project): its newest hash and length.
        "ledger": head_json(plan.project_id),
    }


def baseline_json(version: PlanVersion | None) -> dict | None:
    if version is None:
        return None
    return {
        "name": version.name,
        "frozen_at": version.frozen_at,
        "content_hash": version.content_hash,
    }
