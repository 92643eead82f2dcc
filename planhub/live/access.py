"""Who may listen to a plan's push channel: any member of its project (others: 4404)."""

from dataclasses import dataclass

from planhub.accounts.mfa import has_second_factor
from planhub.plans.models import Plan
from planhub.projects.models import Membership


@dataclass(frozen=True)
class PlanAccess:
    project_id: int | None  # None: no such plan, or not the user's business
    mfa_missing: bool = False


def plan_access(user, plan_id: int) -> PlanAccess:
    plan = Plan.objects.select_related("project").filter(pk=plan_id).first()
    if plan is None or membership_of(user.pk, plan.project_id) is None:
        return PlanAccess(None)
    if plan.project.require_mfa and not has_second_factor(user):
        return PlanAccess(plan.project_id, mfa_missing=True)
    return PlanAccess(plan.project_id)


def membership_of(user_id: int, project_id: int) -> Membership | None:
    return Membership.objects.filter(project_id=project_id, user_id=user_id).first()
