"""What a section needs to be shown alone (after a save or a review), with its review state,
and what the sign-off table shows its reader."""

from dataclasses import dataclass

from .signoffs import signoff_placement, signoff_placement_in
from .status import PlanReview, SlotReview, review_plan, review_section


def section_display_context(section) -> dict:
    section.review = review_section(section)
    signoff_section_id, replaces_body = signoff_placement_in(section.plan.sections.all())
    context = {"signoff_section_id": signoff_section_id, "signoff_replaces_body": replaces_body}
    if signoff_section_id == section.pk:
        context["plan_review"] = review_plan(section.plan)
    return context


@dataclass(frozen=True)
class SignoffRow:
    """One sign-off slot as the table (templates/reviews/_signoff_table.html) shows it to one
    reader: its review, which controls they get, and their last decision form's errors."""

    review: SlotReview
    can_assign: bool = False
    can_decide: bool = False
    errors: tuple[str, ...] = ()


def signoff_rows(review: PlanReview, membership=None, forms=None) -> list[SignoffRow]:
    """The sign-off table's rows for `membership` (None: no controls, as on paper); `forms`:
    {slot id: the SignOffForm this reader just sent for it, with its errors}."""
    forms = forms or {}
    can_assign = membership is not None and membership.can_manage
    return [
        SignoffRow(
            review=slot,
            can_assign=can_assign,
            can_decide=slot.can_be_decided_by(membership),
            errors=tuple(forms[slot.slot.pk]["reason"].errors) if slot.slot.pk in forms else (),
        )
        for slot in review.slots
    ]


__all__ = ["section_display_context", "signoff_placement", "signoff_rows"]
