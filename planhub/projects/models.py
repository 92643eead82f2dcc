from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse

from planhub.ledger.chain import Action

from .audit import record_member
from .signals import role_changed


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


LAST_OWNER_MESSAGE = "A project needs at least one owner: make someone else owner first."

ROLE_HELP = {
    Role.OWNER: "everything, including managing members",
    Role.EDITOR: "creates plans and edits sections",
    Role.REVIEWER: "reviews and signs off plans",
    Role.VIEWER: "reads and exports plans",
}


class ProjectQuerySet(models.QuerySet):
    def for_user(self, user) -> "ProjectQuerySet":
        return self.filter(memberships__user=user)


class Project(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    required_approvals = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many current approvals a section needs to count as approved.",
    )
    allow_self_approval = models.BooleanField(
        default=False,
        help_text="Whether a reviewer may approve a section version they wrote themselves.",
    )
    placeholders_block_approval = models.BooleanField(
        default=True,
        help_text="A section that still holds [placeholders] or NEEDS CLARIFICATION cannot be "
        "approved, so a plan is never approved with parts left to fill. Turned off, the PDF "
        "title page says how many placeholders an approved plan still holds.",
    )
    require_mfa = models.BooleanField(
        default=False,
        help_text="Members must set up two-factor authentication (an authenticator app or a "
        "security key) before they can open the project; API tokens of members without it are "
        "refused too.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("project_detail", args=[self.slug])

    def owner_count(self) -> int:
        return self.memberships.filter(role=Role.OWNER).count()


class LastOwner(Exception):
    """The change would leave the project without an owner; nothing was changed."""

    def __init__(self, message: str = LAST_OWNER_MESSAGE):
        super().__init__(message)


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.project}"

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.OWNER, Role.EDITOR)

    @property
    def can_review(self) -> bool:
        return self.role in (Role.OWNER, Role.REVIEWER)

    @property
    def can_comment(self) -> bool:
        return self.role != Role.VIEWER

    @property
    def can_manage(self) -> bool:
        return self.role == Role.OWNER

    @classmethod
    def add(cls, *, project, user, role: str, by=None) -> "Membership":
        """Make `user` a member with `role` (added by `by`, None for the system)."""
        with transaction.atomic(savepoint=False):
            added = cls.objects.create(project=project, user=user, role=role)
            record_member(Action.MEMBER_ADDED, added, by)
        return added

    def change_role(self, role: str, by=None) -> None:
        """Give the member `role`; LastOwner if that would leave the project without an owner."""
        with transaction.atomic():
            locked = self._lock_with_project()
            if locked.role == Role.OWNER and role != Role.OWNER:
                self._check_other_owner()
            Membership.objects.filter(pk=self.pk).update(role=role)
            if locked.role != role:
                self.role = role
                record_member(Action.MEMBER_ROLE, self, by, from_role=locked.role)
                role_changed.send(sender=Membership, membership=self)
        self.role = role

    def remove(self, by=None) -> None:
        """Remove the member; LastOwner if they are the project's last owner."""
        with transaction.atomic():
            locked = self._lock_with_project()
            if locked.role == Role.OWNER:
                self._check_other_owner()
            Membership.objects.filter(pk=self.pk).delete()
            self.role = locked.role
            record_member(Action.MEMBER_REMOVED, self, by)

    def _lock_with_project(self) -> "Membership":
        # Every change of a project's owners locks the project's row first, then re-reads: two
        # owners demoting or removing each other at once queue, and the second one counts the
        # owners the first one left.
        Project.objects.select_for_update().get(pk=self.project_id)
        locked = Membership.objects.filter(pk=self.pk).first()
        if locked is None:  # removed meanwhile: nothing left to change
            raise Membership.DoesNotExist
        return locked

    def _check_other_owner(self) -> None:
        others = Membership.objects.filter(project_id=self.project_id, role=Role.OWNER)
        if not others.exclude(pk=self.pk).exists():
            raise LastOwner
