"""`{% search_hits results.hits %}`: the result list's items, made in Python.

The same markup as a `{% for %}` loop in the template would make (tests/search/test_hits_markup.py
compares them) at a fraction of its cost: the template engine resolved some twenty variables
and tags per hit, about 90 µs a hit, most of a search page's rendering. User text (names,
titles, the address) is escaped here; `title` and `snippet` are already safe HTML
(highlight.py escaped them)."""

from html import escape  # django.utils.html.escape without its lazy-string wrapper

from django import template
from django.utils.safestring import SafeString, mark_safe

from planhub.lib.templatetags.timestamps import timestamp

from ..query import Hit

register = template.Library()


@register.simple_tag
def search_hits(hits: list[Hit]) -> SafeString:
    return mark_safe("\n".join(_item(hit) for hit in hits))


def _item(hit: Hit) -> str:
    url = escape(hit.url)
    if hit.kind == "comment":
        link = f'<a href="{url}">{escape(hit.author)} on {hit.title}</a>'
        if hit.resolved:
            link += ' <span class="muted">(resolved)</span>'
    else:
        link = f'<a href="{url}">{hit.title}</a>'
    snippet = f'<p class="search-snippet">{hit.snippet}</p>' if hit.snippet else ""
    archived = '<span class="kind-badge">Archived</span> ' if hit.archived else ""
    plan = f" · {escape(hit.plan_title)}" if hit.kind != "plan" else ""
    verb = "written" if hit.kind == "comment" else "updated"
    return (
        f'<li class="search-hit search-hit-{hit.kind}">'
        f'<p class="search-hit-title"><span class="kind-badge kind-{hit.kind}">'
        f"{hit.kind_label}</span> {link}</p>{snippet}"
        f'<p class="search-hit-meta">{archived}{escape(hit.project_name)}{plan} · {verb} '
        f"{timestamp(hit.updated_at)}</p></li>"
    )
