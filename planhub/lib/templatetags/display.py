from django import template
from django.utils.html import format_html

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


STATUS_ICONS = {
    "approved": "✓",
    "signed": "✓",
    "changes_requested": "!",
    "declined": "✗",
    "stale": "↻",
}


PENDING_ICON = "○"  # any other status: pending, waiting, unassigned


@register.simple_tag
def status_glyph(status: str) -> str:
    """The status icon alone, as text: for paper (the printed sign-off table) and for a mark
    inside a control's own words (“✓ Approve”). Everywhere else, `status_icon`."""
    return STATUS_ICONS.get(status, PENDING_ICON)


@register.simple_tag
def status_icon(status: str, label: str, spoken: bool = True) -> str:
    """The status mark (icon for the eye, words for screen readers); a tag, not an include,
    because the outline draws one per section. `spoken=False` where the label is written out
    next to the icon (a badge), so a screen reader does not say it twice."""
    icon = format_html(
        '<span class="status-icon status-{}" title="{}" aria-hidden="true">{}</span>',
        status,
        label,
        status_glyph(status),
    )
    if not spoken:
        return icon
    return format_html('{}<span class="visually-hidden">{}: </span>', icon, label)
