"""The plan page served whole from a cache keyed by the plan's stamp
(planhub.exports.plan_stamp: one query over everything the page shows), the project's settings
and the reader's role; the outline and export.md use the same stamp.

The cached page is the same for every reader with the same role; what differs per reader is
left as markers and filled on the way out (`CachedPage.fill`): the CSRF token, each section's
approve control for a reviewer (from a few facts per section kept beside the HTML, not from
the records again), "N sections wait for you", the draft banners ("bob is editing", from one
query each time: they depend on the clock), the sign-off table (the assignee's and owners'
controls, from the slots kept beside the HTML) and the live poll's cursor. Relative times are
not in the page at all: `{% timestamp %}` writes absolute ones that the browser shows as
"2 hours ago" (static/js/timeago.js).

The cache is the per-process "fragments" cache, as the section fragments; the markers carry a
per-process random token, so that no text a user wrote can pass for one.
"""

import hashlib
import re
import secrets
from collections import namedtuple
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from planhub.accounts.models import DISPLAY_NAME_SESSION_KEY
from planhub.coediting.banner import draft_banners
from planhub.exports.plan_stamp import has_drafts, plan_key, plan_stamp, snapshot
from planhub.live.context_processors import websockets
from planhub.notifications.models import unread_count
from planhub.plans.models import Plan, Section
from planhub.reviews.rules import PlanReview, SectionReview

from .fragment_cache import CACHE_ALIAS, CSRF_MARKER, approve_control_html, approve_kind

TOKEN = secrets.token_hex(12)
MARK = re.compile(rf"{re.escape(CSRF_MARKER)}|<!--{TOKEN}-(\w+)-(\d*)-->")


def mark(kind: str, arg="") -> SafeString:
    """Where a per-reader part of the page goes (filled by CachedPage.fill)."""
    return mark_safe(f"<!--{TOKEN}-{kind}-{arg}-->")


def request_token(request) -> str:
    """The CSRF token for every form of one response, masked once: each masking draws 32
    characters from the system's random source (the page and its shell both need it)."""
    token = getattr(request, "_planhub_masked_csrf", None)
    if token is None:
        token = request._planhub_masked_csrf = get_token(request)
    return token


def split_at_markers(html: str) -> list:
    """`html` as UTF-8 pieces and (kind, argument) where a marker was. Kept encoded: half a
    megabyte of a 100-section page is not encoded again per request."""
    parts, start = [], 0
    for match in MARK.finditer(html):
        parts.append(html[start : match.start()].encode())
        kind, arg = match.groups()
        parts.append(("csrf", 0) if kind is None else (kind, int(arg or 0)))
        start = match.end()
    parts.append(html[start:].encode())
    return parts


# What the per-reader parts need of a section's review, small enough to keep beside the page:
# the rules' own SectionReview, holding these instead of the section and its decisions.
SectionFacts = namedtuple("SectionFacts", "pk placeholder_count")
Decided = namedtuple("Decided", "reviewer_id decision")


def reader_review(review: SectionReview) -> SectionReview:
    return SectionReview(
        section=SectionFacts(review.section.pk, review.section.placeholder_count),
        status=review.status,
        current=[Decided(a.reviewer_id, a.decision) for a in review.current],
        stale=[],
        approved_count=review.approved_count,
        open_comments=review.open_comments,
        rules=review.rules,
        authors=review.authors,
    )


@dataclass
class CachedPage:
    """The plan page's content for every reader of one role, split at its per-reader parts."""

    parts: list  # UTF-8 text, or (kind, section id) where a per-reader part goes
    reviews: dict  # section id: reader_review(...)
    slots: list  # the sign-off slots' SlotReviews
    content_hash: str
    status: str
    rules: object
    # The sign-off table as a reader without controls sees it (most readers): rendered once.
    plain_signoffs: bytes = b""

    @classmethod
    def of(cls, html: str, plan_review: PlanReview) -> "CachedPage":
        parts = split_at_markers(html)
        context = {"plan": plan_review.plan, "plan_review": plan_review}
        plain = get_template(SIGNOFFS).render(context)
        return cls(
            plain_signoffs=plain.encode(),
            parts=parts,
            reviews={pk: reader_review(r) for pk, r in plan_review.by_section.items()},
            slots=plan_review.slots,
            content_hash=plan_review.content_hash,
            status=plan_review.status,
            rules=plan_review.rules,
        )

    def fill(self, request, plan: Plan, membership, drafts: bool = True) -> list[bytes]:
        """The content as `request`'s reader sees it: two queries (the draft banners, and the
        owners' assignee list or the signer's re-authentication when their controls show);
        `drafts`: whether any section may have a draft banner (the stamp says)."""
        user = request.user
        token = request_token(request).encode()
        banners = None if drafts else {}
        out = []
        for part in self.parts:
            if isinstance(part, bytes):
                out.append(part)
                continue
            kind, pk = part
            text = ""
            if kind == "csrf":
                out.append(token)
                continue
            elif kind == "approve":
                review = self.reviews[pk]
                text = approve_control_html(approve_kind(None, review, user, plan))
            elif kind == "draft":
                if banners is None:
                    banners = draft_banners(Section.objects.filter(plan=plan).values("pk"))
                if pk in banners:
                    text = self._draft_banner(pk, banners[pk], plan, membership, token.decode())
            elif kind == "signoffs":
                if not self._signoff_controls(membership):
                    out.append(self.plain_signoffs)
                    continue
                text = self._signoffs(request, plan, membership)
            elif kind == "waiting":
                text = self._review_link(user, membership)
            elif kind == "since":
                text = dateformat.format(timezone.localtime(), "c")
            out.append(text.encode())
        return out

    def _draft_banner(self, pk, banner, plan, membership, token) -> str:
        section = SimpleNamespace(pk=pk, draft_banner=banner)
        context = {"section": section, "plan": plan, "membership": membership}
        return get_template(DRAFT_BANNER).render({**context, "csrf_token": token})

    def _signoff_controls(self, membership) -> bool:
        """Whether the reader gets controls in the sign-off table (signoff_table.signoff_rows):
        owners assign, an assignee signs."""
        return membership.can_manage or any(s.can_be_decided_by(membership) for s in self.slots)

    def _signoffs(self, request, plan, membership) -> str:
        review = PlanReview(
            plan=plan,
            sections=[],
            slots=self.slots,
            content_hash=self.content_hash,
            status=self.status,
            rules=self.rules,
        )
        context = {"plan": plan, "membership": membership, "plan_review": review}
        return render_to_string(SIGNOFFS, context, request=request)

    def _review_link(self, user, membership) -> str:
        """The header's link to review mode says how many sections wait for this reader."""
        waiting = 0
        if membership.can_review:
            waiting = sum(r.waits_for(user.pk) for r in self.reviews.values())
        return get_template(REVIEW_LINK).render({"review_waiting": waiting})


DRAFT_BANNER = "coediting/_draft_banner.html"
SIGNOFFS = "reviews/_signoffs.html"
REVIEW_LINK = "plans/plan_detail.html#review-link-label"


def plan_page(request, plan: Plan, membership, only_to_fill: bool, render) -> list[bytes]:
    """The plan page's content for `request`'s reader, as UTF-8 pieces; `render()` renders it
    with markers and returns (html, plan_review) on a miss."""
    extra = (membership.role, only_to_fill)
    return cached_page(request, plan, membership, "page", extra, render)


def review_page(request, plan: Plan, membership, render) -> list[bytes]:
    """Review mode's content for `request`'s reader: the whole page is theirs (what waits for
    them, their own decisions, what they wrote), so the reader is part of its key; every
    decision on the plan, theirs included, moves the plan's stamp."""
    extra = (membership.role, request.user.pk)
    return cached_page(request, plan, membership, "review", extra, render, drafts=False)


def cached_page(request, plan: Plan, membership, kind: str, extra: tuple, render, drafts=True):
    """A page's content under the plan's stamp and `extra` (what of the reader it shows), its
    per-reader parts filled; `drafts=False`: the page has no draft banners."""
    cache = caches[CACHE_ALIAS]
    stamp = plan_stamp(plan)
    key = plan_key(kind, plan, stamp, *extra)
    page = cache.get(key)
    if page is None:
        with snapshot() as fresh:
            if fresh:
                stamp = plan_stamp(plan)
                key = plan_key(kind, plan, stamp, *extra)
            page = CachedPage.of(*render())
        cache.set(key, page)
    return page.fill(request, plan, membership, drafts=drafts and has_drafts(stamp))


def page_response(request, template_name: str, context: dict, content: list[bytes]):
    """`template_name` rendered with `content` where it says {{ plan_content }}. The content is
    spliced in as bytes: through the template it would be joined and copied at every level
    and encoded again (a few milliseconds for a 100-section page). The shell around it comes
    from the cache (`shell_parts`) unless the request has messages to show."""
    shell = shell_parts(request, template_name, context)
    if shell is None:
        html = render_to_string(template_name, {**context, "plan_content": SHELL_MARK}, request)
        before, after = html.split(SHELL_MARK)
        return HttpResponse(b"".join([before.encode(), *content, after.encode()]))
    parts, unread = shell
    return HttpResponse(b"".join(_fill_shell(parts, request, unread, content)))


SHELL_MARK = mark("content")
# Bump when base.html shows something of the reader that the stand-ins below do not cover.
SHELL_VERSION = 1


class _Reader:
    """Who the cached shell is rendered for: nobody. Where base.html shows the reader, it gets
    a marker, filled per request; anything else of a user it might ask for renders empty."""

    is_authenticated = True
    pk = mark("userpk")
    username = mark("name")


def shell_parts(request, template_name: str, context: dict) -> tuple[list, int] | None:
    """The page around its content (head, top bar, footer) as pieces and markers, rendered once
    per template, plan title, flags (`context`: a plan and plain values) and what of the
    reader it can show as a choice (whether anything is unread, whether WebSockets are on),
    with the reader's values (id, name, unread count, CSRF token) left as markers. None when
    the request has messages (the flash area): rendered whole then, as they are shown once."""
    if len(get_messages(request)):
        return None
    unread = unread_count(request.user.pk)
    sockets = websockets(request)["websockets"]
    shown = tuple(
        (name, value.pk, value.title) if isinstance(value, Plan) else (name, _plain(value))
        for name, value in sorted(context.items())
    )
    key = shell_key(template_name, shown, bool(unread), sockets)
    cache = caches[CACHE_ALIAS]
    parts = cache.get(key)
    if parts is None:
        stand_in = {
            **context,
            "plan_content": SHELL_MARK,
            "user": _Reader(),
            "request": SimpleNamespace(session={DISPLAY_NAME_SESSION_KEY: mark("name")}),
            "csrf_token": CSRF_MARKER,
            "unread_notifications": mark("unread") if unread else 0,
            "websockets": sockets,
            "messages": [],
        }
        html = get_template(template_name).render(stand_in)  # no request: no processors
        parts = split_at_markers(html)
        cache.set(key, parts)
    return parts, unread


def shell_key(template_name: str, shown: tuple, unread: bool, sockets: bool) -> str:
    state = (SHELL_VERSION, settings.STATIC_URL, settings.DEBUG, template_name, shown, unread)
    state += (sockets,)
    return "shell:" + hashlib.blake2b(repr(state).encode(), digest_size=20).hexdigest()


def _plain(value):
    if not isinstance(value, (str, int, bool, type(None))):
        raise TypeError(f"the shell's key cannot cover a {type(value).__name__}")
    return value


def _fill_shell(parts: list, request, unread: int, content: list[bytes]):
    token = None
    for part in parts:
        if isinstance(part, bytes):
            yield part
            continue
        kind, _ = part
        if kind == "content":
            yield from content
        elif kind == "csrf":
            token = token or request_token(request).encode()
            yield token
        elif kind == "userpk":
            yield str(request.user.pk).encode()
        elif kind == "name":
            session_name = request.session.get(DISPLAY_NAME_SESSION_KEY)
            yield conditional_escape(session_name or request.user.username).encode()
        elif kind == "unread":
            yield str(unread).encode()
