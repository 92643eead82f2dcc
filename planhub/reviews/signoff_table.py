"""The sign-off table (templates/reviews/_signoff_table.html) as one reader sees it: the page,
the sign-offs view and the printed document all show these rows."""

from dataclasses import dataclass

from planhub.accounts.reauthentication import Needs, needs

from .rules import PlanReview, SlotReview


@dataclass(frozen=True)
class SignoffRow:
    """One sign-off slot as the table (templates/reviews/_signoff_table.html) shows it to one
    reader: its review, which controls they get, and their last decision form's errors."""

    review: SlotReview
    can_assign: bool = False
    can_decide: bool = False
    errors: tuple[str, ...] = ()
    # Re-authentication to sign: what the form asks of this reader, and what they sent last
    # time (kept when it was refused).
    asks: Needs = Needs()
    reason: str = ""
    decision: str = ""


def signoff_rows(review: PlanReview, membership=None, forms=None) -> list[SignoffRow]:
    """The sign-off table's rows for `membership` (None: no controls, as on paper); `forms`:
    {slot id: the SignOffForm this reader just sent for it, with its errors}."""
    forms = forms or {}
    can_assign = membership is not None and membership.can_manage
    deciding = [slot.can_be_decided_by(membership) for slot in review.slots]
    asks = needs(membership.user) if any(deciding) else Needs()
    return [
        SignoffRow(
            review=slot,
            can_assign=can_assign,
            can_decide=can_decide,
            errors=_errors(forms.get(slot.slot.pk)),
            asks=asks,
            reason=forms[slot.slot.pk].data.get("reason", "") if slot.slot.pk in forms else "",
            decision=forms[slot.slot.pk].data.get("decision", "") if slot.slot.pk in forms else "",
        )
        for slot, can_decide in zip(review.slots, deciding, strict=True)
    ]


def _errors(form) -> tuple[str, ...]:
    """The refused form's messages, the reason's first (the password's, the code's, then any
    other: a refused re-authentication is added to the form by the view)."""
    if form is None:
        return ()
    ordered = [*form["reason"].errors, *form.non_field_errors()]
    for name, errors in form.errors.items():
        if name not in ("reason", "__all__"):
            ordered.extend(errors)
    return tuple(ordered)
