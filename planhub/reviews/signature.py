"""The signature record's parts (21 CFR 11.50), worked out at signing: who the signer says they
are, their time zone, and what the signature means. No queries beyond the signer's profile."""

from planhub.accounts.models import Profile

from .rules import SignOffDecision


def signer(user) -> tuple[str, str]:
    """The signer's printed name (their display name, else their full name, else their
    username) and time zone, as they are now."""
    found = Profile.objects.filter(user=user).values_list("display_name", "time_zone").first()
    display, zone = found or ("", "UTC")
    name = (display or user.get_full_name() or user.get_username()).strip()[:150]
    return name, zone or "UTC"


def meaning(slot_name: str, decision: str, reason: str) -> str:
    """What the signature says: the slot's name and "approved" or "declined: <reason>"."""
    if decision == SignOffDecision.DECLINED:
        return f"{slot_name}: declined: {reason}"
    return f"{slot_name}: approved"


def ledger_data(signoff) -> dict:
    """What the ledger keeps of a signature: every field an auditor compares with the record."""
    return {
        "plan_id": signoff.slot.plan_id,  # so the plan's audit trail lists its signatures
        "slot": signoff.slot_id,
        "slot_name": signoff.slot.name,
        "user": signoff.user_id,
        "decision": signoff.decision,
        "reason": signoff.reason,
        "content_hash": signoff.content_hash,
        "printed_name": signoff.printed_name,
        "time_zone": signoff.time_zone,
        "meaning": signoff.meaning,
        "identity_check": signoff.identity_check,
        "signed_at": signoff.created_at.isoformat(),
    }
