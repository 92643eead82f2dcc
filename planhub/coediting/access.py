"""Who may open a section's draft over a WebSocket: the same rules as the pages (a member of
the section's project; editors and owners write, reviewers and viewers watch)."""

from dataclasses import dataclass

from planhub.accounts.mfa import has_second_factor
from planhub.plans.models import Section
from planhub.projects.models import Membership


@dataclass(frozen=True)
class Access:
    section: Section | None  # None: no such section, or not the user's business (4404)
    can_edit: bool = False
    mfa_missing: bool = False  # a member of a project requiring 2FA, without it (4403)


def section_access(user, section_id: int) -> Access:
    section = Section.objects.select_related("plan__project").filter(pk=section_id).first()
    if section is None:
        return Access(None)
    membership = role_of(user.pk, section.plan.project_id)
    if membership is None:
        return Access(None)
    if section.plan.project.require_mfa and not has_second_factor(user):
        return Access(section, mfa_missing=True)
    return Access(section, can_edit=membership.can_edit)


def role_of(user_id: int, project_id: int) -> Membership | None:
    return Membership.objects.filter(project_id=project_id, user_id=user_id).first()
