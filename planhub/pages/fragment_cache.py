"""The plan page's sections, each rendered once per state and then served from a cache.

Rendering a section (text, menu, review bar) through the template engine costs about a
millisecond; a 100-section page is mostly that. When the whole page is rendered again (its
stamp changed: page_cache.py), the sections that did not change come from here. The HTML of a
section depends only on the values gathered in `section_state`, so it is cached under a hash of
them: any change (an edit, a review, a comment, the reader's role) is a new key, and nothing
ever has to be invalidated. No relative time is in it (`{% timestamp %}` writes absolute ones
that the browser shows as "2 hours ago"). What differs per reader (the CSRF token, a
reviewer's approve control, the draft banner, which depends on the clock) is left as the page
cache's markers, filled on the way out (page_cache.CachedPage.fill). The markers are random per
process, like the cache itself (LocMemCache): a cache shared by processes would need them
fixed.
"""

import hashlib
import secrets

from django.core.cache import caches
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from planhub.plans.forms import SectionForm

CACHE_ALIAS = "fragments"
# Bump when the section partial changes in a way its inputs do not show (a shared cache
# across deploys would otherwise serve the old markup).
FRAGMENT_VERSION = 4
CSRF_MARKER = f"csrf-{secrets.token_hex(16)}"


def section_state(section, *, plan, membership) -> tuple:
    """Every value the section partial shows, but for the per-reader parts (markers)."""
    review = section.review
    decisions = tuple(
        (a.pk, a.decision, a.version, a.reviewer.username, a.comment, a.created_at)
        for a in (*review.current, *review.stale)
    )
    project = plan.project
    return (
        FRAGMENT_VERSION,
        project.slug,
        project.required_approvals,
        project.allow_self_approval,
        project.placeholders_block_approval,
        plan.pk,
        membership.can_edit,
        membership.can_review,
        section.pk,
        section.version,
        section.level,
        section.heading,  # the rendered text changes only with the version (and a deploy,
        # which empties this per-process cache)
        getattr(section, "slug", ""),  # its anchor depends on the other headings
        review.status,
        review.approved_count,
        review.placeholders,
        review.open_comments,
        decisions,
        getattr(section, "baseline_mark", None),  # "changed since v1.0" (baselines)
    )


def cache_key(state: tuple, kind: str = "section") -> str:
    return f"{kind}:" + hashlib.blake2b(repr(state).encode(), digest_size=20).hexdigest()


def render_section(section, *, plan, membership) -> SafeString:
    """The section as on the plan page, from the cache when this state was rendered before,
    with the page cache's markers where the reader's parts go. Not for the section that holds
    the sign-off table (it shows the plan's sign-offs)."""
    key = cache_key(section_state(section, plan=plan, membership=membership))
    context = {
        "section": section,
        "plan": plan,
        "project": plan.project,
        "membership": membership,
        "csrf_token": CSRF_MARKER,
        "page_markers": True,
    }
    return mark_safe(_rendered(key, "plans/plan_detail.html#section", context))


def approve_kind(section, review, user, plan) -> str:
    """Which approve control a reviewer sees: "placeholders" (none: the review bar says what
    is left to fill), "self" (they wrote this version and may not approve it), "approved"
    (they did) or "approve". Reads `review` only (the page cache passes no section)."""
    refusal = review.refusal(user.pk)
    if refusal is not None:
        return refusal
    return "approved" if review.approved_by(user.pk) else "approve"


def approve_control_html(kind: str) -> str:
    return _rendered(f"approve-control:{FRAGMENT_VERSION}:{kind}", APPROVE_CONTROLS + kind, {})


APPROVE_CONTROLS = "reviews/_approve_controls.html#"


def outline_state(*, plan, sections, plan_review, only_to_fill) -> tuple:
    """Every value the outline shows (it is the same for every reader of the plan)."""
    return (
        FRAGMENT_VERSION,
        plan.project.slug,
        plan.pk,
        only_to_fill,
        plan_review.status,
        plan_review.approved_sections,
        len(plan_review.sections),
        plan_review.signed_slots,
        len(plan_review.slots),
        plan_review.placeholders,
        plan_review.sections_to_fill,
        tuple((s.pk, s.level, s.heading, s.review.status, s.review.placeholders) for s in sections),
        tuple(getattr(s, "baseline_mark", None) for s in sections),  # "changed since v1.0"
    )


def render_outline_body(*, plan, sections, plan_review, only_to_fill) -> SafeString:
    """The outline's content (a hundred status marks and links), from the cache if unchanged."""
    state = outline_state(
        plan=plan, sections=sections, plan_review=plan_review, only_to_fill=only_to_fill
    )
    context = {
        "plan": plan,
        "sections": sections,
        "plan_review": plan_review,
        "only_to_fill": only_to_fill,
    }
    return mark_safe(_rendered(cache_key(state, kind="outline"), OUTLINE_PARTIAL, context))


OUTLINE_PARTIAL = "plans/plan_detail.html#outline-body"


def _rendered(key: str, template_name: str, context: dict) -> str:
    cache = caches[CACHE_ALIAS]
    html = cache.get(key)
    if html is None:
        html = get_template(template_name).render(context)
        cache.set(key, html)
    return html


# Bump when the section-form partial changes in a way editor_state does not show.
EDITOR_VERSION = 1


def editor_state(section, draft, initial: dict) -> tuple:
    """Every value the section editor (the section-form partial, opened on the draft) shows
    but the CSRF token: the addresses, the section's level, the draft and its text."""
    project, plan = section.plan.project, section.plan
    return (
        EDITOR_VERSION,
        project.slug,
        plan.pk,
        section.pk,
        section.level,
        section.deleted_at is not None,
        draft.pk,
        draft.base_version,
        initial["heading"],
        initial["body"],
        initial["version"],
    )


def render_editor(section, draft, initial: dict, csrf_token: str) -> str:
    """The section's editor on its shared draft, as the section-form partial renders it, from
    the cache when this text was shown before (any keystroke stored since is a new key); the
    reader's CSRF token filled in on the way out."""
    cache = caches[CACHE_ALIAS]
    key = cache_key(editor_state(section, draft, initial), kind="editor")
    html = cache.get(key)
    if html is None:
        context = {
            "project": section.plan.project,
            "plan": section.plan,
            "section": section,
            "draft": draft,
            "csrf_token": CSRF_MARKER,
            "form": SectionForm(initial=initial, section=section),
        }
        html = get_template(EDITOR_PARTIAL).render(context)
        cache.set(key, html)
    return html.replace(CSRF_MARKER, csrf_token)


EDITOR_PARTIAL = "plans/plan_detail.html#section-form"
