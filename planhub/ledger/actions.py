from django.db import models


class Action(models.TextChoices):
    PLAN_CREATED = "plan.created", "plan created"
    PLAN_ARCHIVED = "plan.archived", "plan archived"
    PLAN_RESTORED = "plan.unarchived", "plan restored from the archive"
    SECTION_VERSION = "section.version", "section version"
    SECTION_ADDED = "section.added", "section added"
    SECTION_MOVED = "section.moved", "section moved"
    SECTION_DELETED = "section.deleted", "section deleted"
    SECTION_RESTORED = "section.restored", "section restored"
    SECTION_LEVEL = "section.level", "section heading level changed"
    DECISION = "review.decision", "review decision"
    REVIEW_REQUESTED = "review.requested", "review requested"
    REVIEW_REQUEST_CANCELLED = "review.request_cancelled", "review request cancelled"
    SIGNOFF = "signoff.decision", "sign-off"
    SIGNOFF_ASSIGNED = "signoff.assigned", "sign-off assigned"
    BASELINE_FROZEN = "baseline.frozen", "version frozen"
    BASELINE_SECTION = "baseline.section", "section of a frozen version"
    MEMBER_ADDED = "member.added", "member added"
    MEMBER_REMOVED = "member.removed", "member removed"
    MEMBER_ROLE = "member.role", "member's role changed"
    SETTINGS = "project.settings", "project settings changed"


# Actions after which their target row is legitimately gone (verify_ledger accepts a missing
# target when a later entry on it is one of these).
REMOVING = frozenset({Action.MEMBER_REMOVED})
