"""`{% timestamp moment %}`: a moment as an absolute time that the browser shows relatively.

A relative time ("3 hours ago") rendered on the server changes every minute, so a page that
shows one cannot be cached, and a cache key that holds one misses all the time. The server
writes the absolute time (the same for every reader and every minute); static/js/timeago.js
rewrites the text as "3 hours ago" and keeps it current, with the absolute time in `title`.
Without JavaScript the absolute time stays."""

from datetime import UTC

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def timestamp(moment) -> str:
    """<time datetime="ISO" title="2026-12-03 10:20 UTC" data-ago>2026-12-03 10:20 UTC</time>"""
    if moment is None:
        return ""
    moment = moment.astimezone(UTC)
    shown = moment.strftime("%Y-%m-%d %H:%M UTC")
    return format_html(
        '<time datetime="{}" title="{}" data-ago>{}</time>',
        moment.isoformat(timespec="seconds"),
        shown,
        shown,
    )
