"""Display helpers for frozen versions (their records keep times as ISO text)."""

from datetime import UTC

from django import template
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime

register = template.Library()


@register.filter
def iso_time(value, fmt: str = "Y-m-d H:i T") -> str:
    """An ISO date-time kept in a frozen record, shown in the site's time zone."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return ""
    return dateformat.format(timezone.localtime(moment), fmt)


@register.filter
def utc_time(value, fmt: str = "Y-m-d H:i") -> str:
    """An ISO date-time kept in a frozen record, in UTC (for exports)."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return ""
    return dateformat.format(moment.astimezone(UTC), fmt)
