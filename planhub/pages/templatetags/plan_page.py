"""The plan page's tags: its sections and outline from the fragment cache, and the one part
of a section that depends on who reads it (the approve control)."""

from django import template

from planhub.pages import page_cache
from planhub.pages.fragment_cache import (
    approve_control_html,
    approve_kind,
    render_outline_body,
    render_section,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def cached_section(context, section):
    """The plan page's section partial, served from the fragment cache (see fragment_cache.py)."""

    return render_section(section, plan=context["plan"], membership=context["membership"])


@register.simple_tag(takes_context=True)
def cached_outline_body(context):
    """The plan page's outline content, served from the fragment cache (see fragment_cache.py)."""

    return render_outline_body(
        plan=context["plan"],
        sections=context["sections"],
        plan_review=context["plan_review"],
        only_to_fill=context.get("only_to_fill", False),
    )


@register.simple_tag(takes_context=True)
def approve_control(context, section, review):
    """The review form's approve button, or why this reader has none. The plan page cached for
    every reader holds a marker here instead (see page_cache.py)."""

    if context.get("page_markers"):
        return page_cache.mark("approve", section.pk)
    return approve_control_html(approve_kind(section, review, context["user"], context["plan"]))


@register.simple_tag
def page_mark(kind, arg=""):
    """Where the cached plan page holds a per-reader part (see page_cache.py)."""

    return page_cache.mark(kind, arg)
