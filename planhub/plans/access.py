"""Plans and sections looked up inside a membership's project (others are 404).

A section comes with `section.plan` already the plan read here (with its project): no view
needs a query for it, or to set it."""

from django.db.models import BigIntegerField, CharField, F
from django.http import Http404
from django.shortcuts import get_object_or_404

from planhub.lib.compiled_query import CompiledQuery, Param
from planhub.projects.access import check_membership, get_membership
from planhub.projects.models import Membership

from .models import Plan, Section

# What a plan is read with (its project first: get_section_for has it from the membership).
PLAN_RELATED = ("project", "template", "created_by", "archived_by")


# Most project URLs ask: its SQL is compiled once per process. The project is the membership's
# (read just before): set, not joined.
PLAN_IN_PROJECT = CompiledQuery(
    lambda: Plan.objects.select_related(*PLAN_RELATED[1:]).filter(
        pk=Param("plan_id", BigIntegerField()), project_id=Param("project_id", BigIntegerField())
    )
)


def get_plan(membership: Membership, plan_id: int) -> Plan:
    plan = PLAN_IN_PROJECT.get(plan_id=plan_id, project_id=membership.project_id)
    if plan is None:
        raise Http404("No Plan matches the given query.")
    plan.project = membership.project
    return plan


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
    """(the user's membership in project `slug`, checked for `need`; the plan `plan_id` in it),
    the two read in one query (the plan page, its outline and live poll start here)."""
    found = user.is_authenticated and PLAN_WITH_MEMBERSHIP.get(
        plan_id=plan_id, slug=slug, user_id=user.pk
    )
    if not found:  # not a member, or no such plan: answered as get_membership, then get_plan
        get_membership(user, slug, need=need)
        raise Http404("No Plan matches the given query.")
    plan = found
    membership = Membership.from_db(
        plan._state.db,
        list(MEMBERSHIP_COLUMNS),
        [getattr(plan, column) for column in MEMBERSHIP_COLUMNS.values()],
    )
    membership.project, membership.user = plan.project, user
    return check_membership(membership, need), plan


# Every field of the reader's membership, as annotations of the plan (field attname: annotation).
MEMBERSHIP_COLUMNS = {
    field.attname: f"membership_{field.attname}" for field in Membership._meta.concrete_fields
}

# The plan with its relations and the reader's membership in its project (one per user and
# project: a constraint), found by the URL's slug and plan id.
PLAN_WITH_MEMBERSHIP = CompiledQuery(
    lambda: (
        Plan.objects.select_related(*PLAN_RELATED)
        .filter(
            pk=Param("plan_id", BigIntegerField()),
            project__slug=Param("slug", CharField()),
            project__memberships__user_id=Param("user_id", BigIntegerField()),
        )
        .annotate(
            **{
                column: F(f"project__memberships__{attname}")
                for attname, column in MEMBERSHIP_COLUMNS.items()
            }
        )
    )
)


def get_section_for(
    user, slug: str, plan_id: int, section_id: int, *, need=None, include_deleted=False
):
    """(membership, section): get_plan_for, then the section of that plan, the two read in
    one query (the edit form, a save and a review all start here)."""
    membership = get_membership(user, slug, need=need)
    section = SECTION_IN_PROJECT[include_deleted].get(
        section_id=section_id, plan_id=plan_id, project_id=membership.project_id
    )
    if section is None:
        raise Http404("No Section matches the given query.")
    section.plan.project = membership.project  # as get_plan's join would have it
    return membership, section


def _section_in_project(include_deleted: bool) -> CompiledQuery:
    sections = Section.all_objects if include_deleted else Section.objects
    related = ["updated_by", *(f"plan__{name}" for name in PLAN_RELATED[1:])]
    if include_deleted:
        related.append("deleted_by")
    return CompiledQuery(
        lambda: sections.select_related(*related).filter(
            pk=Param("section_id", BigIntegerField()),
            plan_id=Param("plan_id", BigIntegerField()),
            plan__project_id=Param("project_id", BigIntegerField()),
        )
    )


# The edit form, a save and a review all start here: compiled once per process.
SECTION_IN_PROJECT = {False: _section_in_project(False), True: _section_in_project(True)}
