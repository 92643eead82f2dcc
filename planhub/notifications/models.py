from django.conf import settings
from django.db import models


class Event(models.TextChoices):
    """What a person can be told about (and choose how: immediately, in a digest, never)."""

    REVIEW_REQUESTED = "review_requested", "A review is requested of me"
    CHANGES_REQUESTED = "changes_requested", "Changes are requested on a section I wrote"
    APPROVAL_STALE = "approval_stale", "A section I approved changed"
    SIGNOFF_ASSIGNED = "signoff_assigned", "A sign-off is assigned to me"
    SIGNOFF_DECLINED = "signoff_declined", "A sign-off on a plan I own was declined"
    SIGNOFF_STALE = "signoff_stale", "A plan I signed off changed"
    COMMENT_REPLY = "comment_reply", "Someone replied to my comment"
    MENTION = "mention", "Someone mentioned me"
    PLAN_APPROVED = "plan_approved", "A plan I own was approved"
    INVITATION_ACCEPTED = "invitation_accepted", "Someone accepted my invitation"


class Notification(models.Model):
    """One thing one person is told about, in the inbox (and by mail, as they chose)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    url = models.CharField(max_length=500, help_text="The place it is about (a path).")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"
