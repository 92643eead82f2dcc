"""The sign-off table (templates/reviews/_signoff_table.html) as one reader sees it: the page,
the sign-offs view and the printed document all show these rows."""

from dataclasses import dataclass

from .rules import PlanReview, SlotReview


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
