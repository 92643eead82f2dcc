"""`{% search_hits %}` makes the markup the results template's loop made (kept here as the
reference), whatever the names and texts hold; the page's time is a `<time data-ago>` that
timeago.js shows as "3 hours ago", as on every other page."""

import re
from datetime import UTC, datetime

from django.template import engines
from django.utils.html import escape
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st

from planhub.search.query import Hit
from planhub.search.templatetags.search_hits import search_hits

LOOP = """{% load timestamps %}
    {% for hit in hits %}
      <li class="search-hit search-hit-{{ hit.kind }}">
        <p class="search-hit-title">
          <span class="kind-badge kind-{{ hit.kind }}">{{ hit.kind_label }}</span>
          {% if hit.kind == "comment" %}
            <a href="{{ hit.url }}">{{ hit.author }} on {{ hit.title }}</a>
            {% if hit.resolved %}<span class="muted">(resolved)</span>{% endif %}
          {% else %}
            <a href="{{ hit.url }}">{{ hit.title }}</a>
          {% endif %}
        </p>
        {% if hit.snippet %}<p class="search-snippet">{{ hit.snippet }}</p>{% endif %}
        <p class="search-hit-meta">
          {% if hit.archived %}<span class="kind-badge">Archived</span>{% endif %}
          {{ hit.project_name }}{% if hit.kind != "plan" %} · {{ hit.plan_title }}{% endif %}
          · {% if hit.kind == "comment" %}written{% else %}updated{% endif %}
          {% timestamp hit.updated_at %}
        </p>
      </li>
    {% endfor %}"""

UNTRUSTED = st.text(alphabet=st.sampled_from("<>&\"' ab\n\te·é[]*`#\ue000"), max_size=20)


def normal(html: str) -> str:
    """What a browser shows the same: whitespace runs as one space, none at block edges."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(</?(?:li|p)\b[^>]*>)\s*", r"\1", html).strip()


@st.composite
def hits(draw) -> Hit:
    kind = draw(st.sampled_from(["plan", "section", "comment"]))
    return Hit(
        kind=kind,
        rank=0.5,
        updated_at=draw(st.datetimes(timezones=st.just(UTC))),
        url=draw(st.sampled_from(["/p/a/plans/1/", "/p/a/plans/1/#section-2", "/x?a=1&b=2"])),
        title=mark_safe(f"<mark>{escape(draw(UNTRUSTED))}</mark>"),  # highlight.py's: safe
        snippet=mark_safe(escape(draw(UNTRUSTED))) if kind != "plan" else mark_safe(""),
        project_id=1,
        project_slug="a",
        project_name=draw(UNTRUSTED),
        plan_id=1,
        plan_title=draw(UNTRUSTED),
        archived=draw(st.booleans()),
        comment_id=3 if kind == "comment" else None,
        author=draw(UNTRUSTED) if kind == "comment" else "",
        resolved=draw(st.booleans()) if kind == "comment" else False,
    )


@given(st.lists(hits(), max_size=4))
def test_same_markup_as_the_template_loop(generated):
    loop = engines["django"].from_string(LOOP).render({"hits": generated})
    assert normal(search_hits(generated)) == normal(loop)


def test_user_text_is_escaped_and_the_time_is_relative_in_the_browser():
    hit = Hit(
        kind="comment",
        rank=0.1,
        updated_at=datetime(2026, 12, 3, 10, 20, 5, tzinfo=UTC),
        url="/p/a/plans/1/sections/2/comments/#comment-3",
        title=mark_safe("Goals"),
        snippet=mark_safe("What about <mark>giraffes</mark>?"),
        project_id=1,
        project_slug="a",
        project_name="<script>alert(1)</script>",
        plan_id=1,
        plan_title="A & B",
        archived=True,
        comment_id=3,
        author='"rita"',
        resolved=True,
    )
    html = search_hits([hit])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; · A &amp; B · written" in html
    assert '&quot;rita&quot; on Goals</a> <span class="muted">(resolved)</span>' in html
    assert "What about <mark>giraffes</mark>?" in html
    assert (
        '<time datetime="2026-12-03T10:20:05+00:00" title="2026-12-03 10:20 UTC" data-ago>'
        "2026-12-03 10:20 UTC</time>" in html
    )
