"""The dashboard's review queues for one user, each one query."""

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from planhub.plans.models import Plan, Section
from planhub.projects.models import Membership, Role

from .models import Approval, Decision, SignOff, SignOffDecision, SignOffSlot


def sections_waiting_for(user, limit: int = 20):
    """Sections in projects where `user` reviews, not yet approved, without a decision of theirs
    on the current version (and not written by them where self-approval is off); newest first.

    Counted with correlated subqueries rather than a join and GROUP BY, which would group
    every section row (text included) of every plan the user reviews before the limit."""
    reviewing = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.REVIEWER])
    approvals_now = (
        Approval.objects.filter(
            section=OuterRef("pk"), version=OuterRef("version"), decision=Decision.APPROVED
        )
        .order_by()
        .values("section")
        .annotate(n=Count("pk"))
        .values("n")
    )
    mine_on_current = Approval.objects.filter(
        section=OuterRef("pk"), reviewer=user, version=OuterRef("version")
    )
    return (
        Section.objects.filter(
            plan__project__in=reviewing.values("project"), plan__archived_at__isnull=True
        )
        .annotate(current_approvals=Coalesce(Subquery(approvals_now), 0))
        .filter(current_approvals__lt=F("plan__project__required_approvals"))
        .exclude(Exists(mine_on_current))
        .exclude(Q(updated_by=user) & Q(plan__project__allow_self_approval=False))
        .select_related("plan__project", "updated_by")
        .only(*WAITING_SECTION_FIELDS)
        .order_by("-updated_at")[:limit]
    )


# What the dashboard shows of a waiting section.
WAITING_SECTION_FIELDS = (
    "heading",
    "version",
    "updated_at",
    "plan__title",
    "plan__project__slug",
    "plan__project__name",
    "plan__project__required_approvals",
    "plan__project__allow_self_approval",
    "updated_by__username",
)


def signoffs_waiting_for(user, limit: int = 20):
    """Sign-off slots assigned to `user` that are not signed on the plan's current content.

    “Current” is checked by the plan page; here a slot waits while its assignee's latest
    decision is not a sign-off made after the plan's last change.
    """
    signed_since_change = SignOff.objects.filter(
        slot=OuterRef("pk"),
        user=user,
        decision=SignOffDecision.SIGNED,
        created_at__gte=OuterRef("plan__updated_at"),
    )
    return (
        SignOffSlot.objects.filter(assignee=user, plan__project__memberships__user=user)
        .exclude(Exists(signed_since_change))
        .select_related("plan__project")
        .order_by("-plan__updated_at")[:limit]
    )


def my_plans_with_changes_requested(user, limit: int = 20):
    """Plans `user` created or edited where a reviewer's latest decision on a section's current
    version asks for changes."""
    later_decision = Approval.objects.filter(
        section=OuterRef("section"),
        reviewer=OuterRef("reviewer"),
        version=OuterRef("version"),
        created_at__gt=OuterRef("created_at"),
    )
    open_request = Approval.objects.filter(
        section__plan=OuterRef("pk"),
        decision=Decision.CHANGES_REQUESTED,
        version=F("section__version"),
    ).exclude(Exists(later_decision))
    edited = Section.objects.filter(plan=OuterRef("pk"), updated_by=user)
    return (
        Plan.objects.filter(project__memberships__user=user)
        .filter(Q(created_by=user) | Exists(edited))
        .filter(Exists(open_request))
        .select_related("project")
        .order_by("-updated_at")[:limit]
    )
