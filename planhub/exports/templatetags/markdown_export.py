"""Filters for the Markdown export's templates (templates/exports/*.md)."""

from django import template

register = template.Library()


@register.filter
def cell(text) -> str:
    """`text` as one Markdown table cell: `|` escaped, line breaks (any: a browser sends
    `\r\n`, and a lone `\r` ends a line too) made spaces, surrounding space trimmed, and “—”
    when nothing is left."""
    return " ".join(str(text).replace("|", "\\|").splitlines()).strip() or "—"
