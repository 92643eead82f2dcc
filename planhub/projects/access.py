"""Who may do what in a project: every project URL goes through here.

A non-member gets 404 (the project's existence is not revealed); a member without the needed
capability gets 403; in a project that requires two-factor authentication, a member without it
gets MfaRequired (planhub/accounts/mfa.py: sent to set it up, or a 403 JSON error for the API).
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, CharField
from django.http import Http404

from planhub.accounts.mfa import MfaRequired, has_second_factor
from planhub.lib.compiled_query import CompiledQuery, Param

from .models import Membership

CAPABILITIES = ("can_edit", "can_review", "can_comment", "can_manage")


def get_membership(user: User | AnonymousUser, slug: str, need: str | None = None) -> Membership:
    """The user's membership in the project `slug`, checked for capability `need`."""
    if not user.is_authenticated:
        raise Http404
    membership = MEMBERSHIP.get(slug=slug, user_id=user.pk)
    if membership is None:
        raise Http404("No such project.")
    membership.user = user
    return check_membership(membership, need)


def check_membership(membership: Membership, need: str | None = None) -> Membership:
    """The membership, if the project's two-factor rule and capability `need` let it in."""
    if membership.project.require_mfa and not has_second_factor(membership.user):
        raise MfaRequired(membership.project.name)
    if need is not None:
        assert need in CAPABILITIES, need
        if not getattr(membership, need):
            raise PermissionDenied(PERMISSION_MESSAGES[need])
    return membership


# Every project URL asks: its SQL is compiled once per process. One membership per user and
# project (a constraint), so no ORDER BY or LIMIT. The user is the one asking: set, not joined.
MEMBERSHIP = CompiledQuery(
    lambda: Membership.objects.select_related("project").filter(
        project__slug=Param("slug", CharField()), user_id=Param("user_id", BigIntegerField())
    )
)

PERMISSION_MESSAGES = {
    "can_edit": "Only the project's editors and owners can change plans.",
    "can_review": "Only the project's reviewers and owners can review.",
    "can_comment": "Viewers can read and export, but not comment.",
    "can_manage": "Only the project's owners can do that.",
}
