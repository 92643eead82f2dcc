"""What the ledger records of review decisions (sign-offs: SignOff.record appends its own)."""

from planhub.ledger.chain import Action, append, sha256_text


def decision_data(decision, section) -> dict:
    return {
        "plan_id": section.plan_id,
        "section_id": decision.section_id,
        "heading": section.heading,
        "reviewer_id": decision.reviewer_id,
        "reviewer": decision.reviewer.username,
        "decision": decision.decision,
        "version": decision.version,
        "comment_sha256": sha256_text(decision.comment),
    }


def record_decision(decision, section) -> None:
    """`decision` (a SectionDecision just created) on `section` (its plan loaded)."""
    append(
        project_id=section.plan.project_id,
        action=Action.DECISION,
        actor=decision.reviewer,
        target=decision,
        data=decision_data(decision, section),
    )
