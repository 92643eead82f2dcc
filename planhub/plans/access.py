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
