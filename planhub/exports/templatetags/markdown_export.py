"""Filters for the Markdown export's templates (templates/exports/*.md)."""

from django import template

register = template.Library()


@register.filter
def cell(text) -> str:
    """`text` as one Markdown table cell: `|` escaped, line breaks made spaces, surrounding
    space trimmed, and “—” when nothing is left."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip() or "—"
