"""The search reads plain values and highlights only the hits it shows (issue 19); before, it
built model instances for every candidate and highlighted them all. tests/search/old_search.py
is that search, kept as the oracle: over generated plans, comments and queries, full of HTML
and Markdown's special characters, both give the same hits in the same order, with the same
titles, snippets, marks, links, ranks and times, the same names shown beside them, and the
same "more"."""

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planhub.reviews.models import Comment
from planhub.search.query import search
from tests.factories import add_member, make_plan, make_project, make_user

from . import old_search

# A small vocabulary, so that queries find things, with what HTML, Markdown and ts_headline
# treat specially; "risk"/"Risks"/"risky" stem alike.
WORDS = [
    "risk", "Risks", "risky", "rollback", "Rollback", "zebra", "the", "plan", "x", "é", "naïve",
    "<b>", "</b>", "<img src=x onerror=alert(1)>", "&amp;", "a&b", '"quoted"', "'single'",
    "*bold*", "_under_", "`code`", "[Feature Name]", "[x]", "NEEDS CLARIFICATION", "x<y",
    "\ue000risk\ue001", "\ue001", "-", "--", "or", "|", "#", "<!-- c -->", "http://a.b/c?d=1&e=2",
    "roll-back", "risk.", "(risk)", "1.5", "42",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", "\n", "  ", "\n\n", "\t", ", "]

words = st.sampled_from(WORDS)


@st.composite
def texts(draw, min_words=0, max_words=20) -> str:
    chosen = draw(st.lists(words, min_size=min_words, max_size=max_words))
    parts = []
    for word in chosen:
        parts.extend([word, draw(st.sampled_from(SEPARATORS))])
    return "".join(parts).strip()


@st.composite
def queries(draw) -> str:
    parts = []
    for word in draw(st.lists(words, min_size=1, max_size=3)):
        prefix = draw(st.sampled_from(["", "", "", "-", '"']))
        parts.append(prefix + word + ('"' if prefix == '"' else ""))
    return " ".join(parts)


def heading(text: str) -> str:
    return " ".join(text.split()).lstrip("#").strip() or "Untitled"


@st.composite
def plans(draw) -> str:
    """A plan's Markdown: a title, then a few sections (one maybe before any heading)."""
    lines = [f"# {heading(draw(texts(1, 4)))}", "", draw(texts(0, 30))]
    for _ in range(draw(st.integers(0, 4))):
        body = draw(st.one_of(texts(0, 20), texts(40, 120)))  # short, or longer than a snippet
        lines += ["", f"## {heading(draw(texts(1, 5)))}", "", body]
    return "\n".join(lines) + "\n"


def shown(results, old: bool) -> tuple:
    """Everything the results page shows of each hit, in order."""
    rows = []
    for hit in results.hits:
        if old:
            names = (hit.project.name, hit.plan.title, hit.plan.archived_at is not None)
            comment = hit.comment
            extra = (comment.author.username, comment.is_resolved) if comment else ("", False)
        else:
            names = (hit.project_name, hit.plan_title, hit.archived)
            extra = (hit.author, hit.resolved)
        ids = (hit.project.pk, hit.plan.pk, hit.comment.pk if hit.comment else None)
        rows.append(
            (hit.kind, hit.rank, hit.updated_at, hit.url, str(hit.title), str(hit.snippet))
            + names
            + extra
            + ids
        )
    return results.more, rows


@pytest.fixture
def world(owner, project, reviewer):
    """A second project of the owner's, and one the owner is not in (its words never show)."""
    second = make_project(owner=owner, slug="hermes", name='Hermes <b>&</b> "co"')
    add_member(second, reviewer, "reviewer")
    stranger = make_user("stranger")
    hidden = make_project(owner=stranger, slug="hidden", name="Hidden")
    return [project, second], hidden, stranger


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_same_results_as_before(owner, reviewer, world, data):
    projects, hidden, stranger = world
    for _ in range(data.draw(st.integers(1, 3), label="plans")):
        project = data.draw(st.sampled_from(projects))
        plan = make_plan(project, author=owner, text=data.draw(plans(), label="plan"))
        sections = list(plan.sections.all())
        for _ in range(data.draw(st.integers(0, 3), label="comments")):
            Comment.objects.create(
                section=data.draw(st.sampled_from(sections)),
                author=data.draw(st.sampled_from([owner, reviewer])),
                body=data.draw(texts(1, 40), label="comment"),
                resolved_at=data.draw(st.sampled_from([None, timezone.now()])),
            )
        if data.draw(st.booleans(), label="archived"):
            plan.archived_at = timezone.now()
            plan.save(update_fields=["archived_at"])
    make_plan(hidden, author=stranger, text=data.draw(plans(), label="hidden plan"))
    for _ in range(3):
        query = data.draw(queries(), label="query")
        limit = data.draw(st.sampled_from([1, 2, 3, 5, 50]), label="limit")
        user = data.draw(st.sampled_from([owner, reviewer, stranger]), label="user")
        new = search(user, query, limit=limit)
        assert shown(new, old=False) == shown(old_search.search(user, query, limit=limit), True)
        assert new.counts() == old_search.search(user, query, limit=limit).counts()
