from django import template

register = template.Library()


@register.filter
def editor_rows(text: str | None) -> int:
    """Textarea height for `text`: its line count plus room to type, within 6..30."""
    return min(max((text or "").count("\n") + 3, 6), 30)


@register.filter
def ago(moment) -> str:
    """“just now” for the last minute, else “3 hours ago”."""
    from django.utils import timezone
    from django.utils.timesince import timesince

    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def approved_by(review, user) -> bool:
    """Whether `user`'s current decision in a SectionReview is an approval."""
    return any(a.reviewer_id == user.pk and a.decision == "approved" for a in review.current)
