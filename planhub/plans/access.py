"""Plans and sections looked up inside a membership's project (others are 404)."""

from django.shortcuts import get_object_or_404

from .models import Plan, Section


def get_plan(membership, plan_id: int) -> Plan:
    return get_object_or_404(
        Plan.objects.select_related("project", "template", "created_by", "archived_by"),
        pk=plan_id,
        project=membership.project,
    )


def get_section(plan: Plan, section_id: int) -> Section:
    section = get_object_or_404(
        Section.objects.select_related("updated_by"), pk=section_id, plan=plan
    )
    section.plan = plan
    return section


def get_section_even_deleted(plan: Plan, section_id: int) -> Section:
    """A section of the plan, deleted or not: a write into one deleted meanwhile is answered
    with what happened to it (who deleted it, when), never with “not found”."""
    section = get_object_or_404(
        Section.all_objects.select_related("updated_by", "deleted_by"), pk=section_id, plan=plan
    )
    section.plan = plan
    return section
