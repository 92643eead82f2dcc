from django.db import models


class WebhookEvent(models.TextChoices):
    """What a project's webhooks can be sent."""

    SECTION_PUBLISHED = "section.published", "A section got a new version"
    SECTION_APPROVED = "section.approved", "A section was approved"
    SECTION_CHANGES_REQUESTED = "section.changes_requested", "Changes were requested on a section"
    COMMENT_CREATED = "comment.created", "A comment or reply was written"
    SIGNOFF_SIGNED = "signoff.signed", "A sign-off was signed"
    SIGNOFF_DECLINED = "signoff.declined", "A sign-off was declined"
    PLAN_APPROVED = "plan.approved", "A plan was approved"
    MEMBER_JOINED = "member.joined", "Someone joined the project"
    REVIEW_REQUESTED = "review.requested", "A member was asked to review a plan"
