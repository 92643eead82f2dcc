"""Plans and sections looked up inside a membership's project (others are 404).

A section comes with `section.plan` already the plan read here (with its project): no view
needs a query for it, or to set it."""

from django.shortcuts import get_object_or_404

from planhub.projects.access import get_membership
from planhub.projects.models import Membership

from .models import Plan, Section

# What a plan is read with (its project first: get_section_for has it from the membership).
PLAN_RELATED = ("project", "template", "created_by", "archived_by")


def get_plan(membership: Membership, plan_id: int) -> Plan:
    return get_object_or_404(
        Plan.objects.select_related(*PLAN_RELATED),
        pk=plan_id,
        project=membership.project,
    )


def get_section(plan: Plan, section_id: int, *, include_deleted: bool = False) -> Section:
    """A section of the plan. `include_deleted`: one deleted meanwhile too, so that a write
    into it is answered with what happened to it (who deleted it, when), not “not found”."""
    if include_deleted:
        sections = Section.all_objects.select_related("updated_by", "deleted_by")
    else:
        sections = Section.objects.select_related("updated_by")
    section = get_object_or_404(sections, pk=section_id, plan=plan)
    # Set, not joined: the plan (and its project) were just read; a join would read them again.
    section.plan = plan
    return section


def get_plan_for(user, slug: str, plan_id: int, *, need: str | None = None):
    """(the user's membership in project `slug`, checked for `need`; the plan `plan_id` in it)."""
    membership = get_membership(user, slug, need=need)
    return membership, get_plan(membership, plan_id)


def get_section_for(
    user, slug: str, plan_id: int, section_id: int, *, need=None, include_deleted=False
):
    """(membership, section): get_plan_for, then the section of that plan, the two read in
    one query (the edit form, a save and a review all start here)."""
    membership = get_membership(user, slug, need=need)
    sections = Section.all_objects if include_deleted else Section.objects
    related = ["updated_by", *(f"plan__{name}" for name in PLAN_RELATED[1:])]
    if include_deleted:
        related.append("deleted_by")
    section = get_object_or_404(
        sections.select_related(*related),
        pk=section_id,
        plan__pk=plan_id,  # on the plan's key: an id out of its range is "none", not an error
        plan__project=membership.project,
    )
    section.plan.project = membership.project  # as get_plan's join would have it
    return membership, section
