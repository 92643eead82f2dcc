import pytest

from planhub.plans.models import Plan
from planhub.reviews.models import SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.factories import make_plan

PLAN_TEXT = (
    "# Payments revamp\n\n"
    "## Scope\n\nWe move card payments to the new provider.\n\n"
    "## Risks\n\nThe old provider keeps refunds for 90 days.\n\n"
    "## Rollout\n\nTen percent first, then everyone.\n\n"
    "## Approvals\n\n- Technical Design\n"
)


def approve_everything(plan: Plan, *, reviewer, owner) -> Plan:
    """Every section approved by `reviewer`, every sign-off slot assigned to them and signed."""
    for section in plan.sections.all():
        SectionDecision.record(
            section=section, reviewer=reviewer, decision="approved", version=section.version
        )
    for slot in plan.signoff_slots.all():
        slot.assign(reviewer, by=owner)
        SignOff.record(
            slot,
            user=reviewer,
            decision="signed",
            reason="",
            seen_hash=review_plan(plan).content_hash,
        )
    return plan


@pytest.fixture
def draft(project, owner):
    """A plan nobody reviewed yet (written by the owner)."""
    return make_plan(project, author=owner, text=PLAN_TEXT)


@pytest.fixture
def approved(draft, owner, reviewer):
    """The same plan, every section approved and every sign-off signed."""
    approve_everything(draft, reviewer=reviewer, owner=owner)
    assert review_plan(draft).status == "approved"
    return draft


@pytest.fixture
def owner_membership(project, owner):
    return project.memberships.get(user=owner)


def freeze(plan, owner, name="v1.0", note="First release"):
    from planhub.baselines.models import PlanVersion

    membership = plan.project.memberships.get(user=owner)
    return PlanVersion.freeze(
        plan,
        user=owner,
        membership=membership,
        name=name,
        note=note,
        seen_hash=review_plan(plan).content_hash,
    )
