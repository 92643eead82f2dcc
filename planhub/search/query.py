"""Site-wide search: plans (by title), live sections (heading and text) and comments, in the
projects the user is a member of, best first.

PostgreSQL: full text search (English stemming; the websearch syntax: `"a phrase"`, `-word`,
`or`), ranked by ts_rank over weighted vectors — a plan's title (A) above a section's heading
(B) above a section's text (C) above a comment (D); ts_headline says which words matched.
Other databases (SQLite): every word must occur (case-insensitively, anywhere in a word); plan
titles first, then sections with every word in their heading, then sections matched in their
text, then comments, the most recently changed first within each.
Either way the snippets are cut from the original text and escaped in Python (highlight.py),
for the hits shown only: each kind's rows are read as plain values, ranked and merged, and
only the best `limit` are highlighted and made into `Hit`s.

Each kind is one query limited to `limit + 1` rows, so a search costs three queries whatever the
amount of data; the three answers are merged by rank. Sections, by far the most text, keep their
document in a stored column with a GIN index on PostgreSQL (plans migration 0012): the index
finds the candidates, nothing is parsed per search. Plan titles and comments are short and few
beside them: their vectors are still computed per search over the user's projects.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, reduce
from operator import and_, or_

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString

from planhub.lib import search_columns
from planhub.lib.compiled_query import CompiledQuery, Param
from planhub.plans.models import Plan, Section
from planhub.projects.models import Membership, Project
from planhub.reviews.models import Comment

from .highlight import START, STOP, highlight, marked_words, snippet, terms, terms_pattern

MAX_RESULTS = 50
MAX_QUERY_CHARS = 200
CONFIG = "english"
KIND_LABELS = {"plan": "Plan", "section": "Section", "comment": "Comment"}
PREAMBLE = "Before the first heading"  # a section of level 0 has no heading (as on the plan page)


@dataclass(frozen=True)
class Hit:
    kind: str  # "plan", "section" or "comment"
    rank: float
    updated_at: datetime
    url: str
    title: SafeString  # plan title or section heading, highlighted; a comment's section heading
    snippet: SafeString
    project_id: int
    project_slug: str
    project_name: str
    plan_id: int
    plan_title: str
    archived: bool
    comment_id: int | None = None
    author: str = ""  # a comment's
    resolved: bool = False  # a comment's

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    # The page shows the fields above. Rows, for code that wants them, are made only when
    # asked for: a model instance per row of every candidate was most of a search's time.
    @cached_property
    def project(self) -> Project:
        return _row(Project, id=self.project_id, slug=self.project_slug, name=self.project_name)

    @cached_property
    def plan(self) -> Plan:
        plan = _row(Plan, id=self.plan_id, project_id=self.project_id, title=self.plan_title)
        plan.project = self.project
        return plan

    @cached_property
    def comment(self) -> Comment | None:
        if self.comment_id is None:
            return None
        return Comment.objects.select_related("author").get(pk=self.comment_id)


def _row(model, **values):
    """A row of `model` as loaded from the database with only these fields (others deferred)."""
    fields = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(None, fields, [values[name] for name in fields])


@dataclass(frozen=True)
class Results:
    query: str
    hits: list[Hit]
    more: bool  # more than `hits` matched

    def counts(self) -> list[tuple[str, int]]:
        """[("Plan", 1), ("Section", 8), …] for the kinds that have hits."""
        counter = Counter(hit.kind for hit in self.hits)
        return [(KIND_LABELS[kind], counter[kind]) for kind in KIND_LABELS if counter[kind]]


@dataclass(frozen=True)
class Candidate:
    """A row found and ranked, not yet highlighted: only the shown ones ever are."""

    kind: str
    rank: float
    updated_at: datetime
    row: tuple  # the values of the kind's *_FIELDS, in order
    pattern: Callable[[], re.Pattern]  # the words to mark in it


# What each kind's query reads (values_list, no model instances); then its updated_at (or
# created_at) and, on PostgreSQL, its rank and ts_headline answers.
PLAN_FIELDS = ("id", "title", "archived_at", "project_id", "project__slug", "project__name")
SECTION_FIELDS = (
    *("id", "heading", "body", "plan_id", "plan__title", "plan__archived_at"),
    *("plan__project_id", "plan__project__slug", "plan__project__name"),
)
COMMENT_FIELDS = (
    *("id", "body", "resolved_at", "author__username", "section_id", "section__heading"),
    *("section__plan_id", "section__plan__title", "section__plan__archived_at"),
    *("section__plan__project_id", "section__plan__project__slug"),
    "section__plan__project__name",
)


def search(user: AbstractBaseUser, text: str, *, limit: int = MAX_RESULTS) -> Results:
    """The best `limit` hits for `text` in `user`'s projects."""
    if connection.vendor == "postgresql":
        found = _postgres(text, user.pk, limit + 1)
    else:
        found = _fallback(text, *_searched(user.pk), limit + 1)
    # Stable: equal keys keep plans, then sections, then comments, each in its query's order.
    found.sort(key=lambda candidate: (candidate.rank, candidate.updated_at), reverse=True)
    urls = _Urls()
    hits = [_HITS[candidate.kind](candidate, urls) for candidate in found[:limit]]
    return Results(query=text, hits=hits, more=len(found) > limit)


def _searched(user) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The plans, live sections and comments of `user`'s projects (a user id, or a Param)."""
    projects = Membership.objects.filter(user_id=user).values("project_id")
    plans = Plan.objects.filter(project__in=projects)
    sections = Section.objects.filter(plan__project__in=projects).annotate(
        # The H1 a plan's title comes from is found as the plan: its section is not found again
        # by those words (but still by its text).
        own_heading=Case(
            When(heading=F("plan__title"), then=Value("")),
            default=F("heading"),
            output_field=CharField(),
        )
    )
    comments = Comment.objects.filter(
        section__deleted_at__isnull=True, section__plan__project__in=projects
    )
    return plans, sections, comments


# A run of "-" (spaces between or not) is that many NOTs in websearch_to_tsquery, and a few
# dozen overflow its stack ("tsquery stack too small": a 500). NOT twice is no NOT.
_NOTS = re.compile(r"-(?:\s*-)+")


def _fewer_nots(text: str) -> str:
    return _NOTS.sub(lambda run: "-" if run.group().count("-") % 2 else " ", text)


def stored_document(model) -> RawSQL:
    """The row's stored, indexed document (PostgreSQL; plans migration 0012, reviews 0007),
    built as `vector(...)` would build it: a plan's title (A); a section's heading (B) and
    text (C); a comment's text (D)."""
    column = f'"{model._meta.db_table}"."{search_columns.COLUMN}"'
    return RawSQL(column, [], output_field=SearchVectorField())


class TextPart(Func):
    """The text's (weight C) part of a stored section document: the document of a section
    whose heading is its plan's title (see `own_heading`). The text's positions come after
    the heading's, which changes no match and no rank (both use distances, not places)."""

    function = "ts_filter"
    template = "%(function)s(%(expressions)s, '{c}')"
    output_field = SearchVectorField()


class MayMatch(Func):
    """`document @@ querytree(query)`: the query without its NOTs matches the document (true
    when nothing of the query is left: `-word` alone). Whatever matches a part of `document`
    matches this, so it picks the candidates through `document`'s GIN index and loses none;
    the exact match is checked after. PostgreSQL folds the query's functions into a constant
    before planning, so the index is used."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        document, query = (compiler.compile(part) for part in self.get_source_expressions())
        sql = f"(querytree({query[0]}) = 'T' OR {document[0]} @@ querytree({query[0]})::tsquery)"
        return sql, (*query[1], *document[1], *query[1])


def _postgres(text: str, user_id: int, limit: int) -> list[Candidate]:
    values = {"user_id": user_id, "text": _fewer_nots(text)}
    plans, sections, comments = _compiled_queries(limit)

    def words(*headlines: str) -> Callable[[], re.Pattern]:
        return lambda: terms_pattern(marked_words(*headlines), whole_words=True)

    return [
        *(
            Candidate("plan", rank, when, row, words(title))
            for *row, when, rank, title in plans.rows(**values)
        ),
        *(
            Candidate("section", rank, when, row, words(heading, body))
            for *row, when, rank, heading, body in sections.rows(**values)
        ),
        *(
            Candidate("comment", rank, when, row, words(body))
            for *row, when, rank, body in comments.rows(**values)
        ),
    ]


# limit: the three queries (plans, sections, comments), their SQL compiled once per process.
_COMPILED: dict[int, tuple[CompiledQuery, CompiledQuery, CompiledQuery]] = {}


def _compiled_queries(limit: int) -> tuple[CompiledQuery, CompiledQuery, CompiledQuery]:
    if limit not in _COMPILED:
        _COMPILED[limit] = tuple(
            CompiledQuery(lambda kind=kind: _postgres_querysets(limit)[kind]) for kind in range(3)
        )
    return _COMPILED[limit]


def _postgres_querysets(limit: int) -> tuple[QuerySet, QuerySet, QuerySet]:
    """Each kind's best `limit` rows for the query `text` (a websearch, the NOTs fewer) in the
    projects of the user `user_id`, as values: the kind's *_FIELDS, updated_at (or
    created_at), rank, then what ts_headline marked."""
    plans, sections, comments = _searched(Param("user_id", BigIntegerField()))
    query = SearchQuery(Param("text", CharField()), search_type="websearch", config=CONFIG)

    def marked(field: str, **options) -> SearchHeadline:
        """ts_headline, only to learn which words of `field` match (see marked_words); the
        sentinels are taken out of the text first, so those in its answer are its own."""
        clean = Replace(Replace(F(field), Value(START), Value("")), Value(STOP), Value(""))
        return SearchHeadline(
            clean, query, config=CONFIG, start_sel=START, stop_sel=STOP, **options
        )

    def best(queryset: QuerySet, document, recency: str, fields, **headlines) -> QuerySet:
        return (
            queryset.annotate(document=document)
            .filter(document=query)
            .annotate(rank=SearchRank(F("document"), query), **headlines)
            .order_by("-rank", f"-{recency}")
            .values_list(*fields, recency, "rank", *headlines)[:limit]
        )

    # Short fragments, several: enough to see every matching word without sending long texts.
    fragments = {"max_fragments": 6, "max_words": 12, "min_words": 4}
    plans = best(
        plans,
        stored_document(Plan),
        "updated_at",
        PLAN_FIELDS,
        title_marked=marked("title", highlight_all=True),
    )
    # A section whose heading is its plan's title is searched by its text only (own_heading).
    section_document = stored_document(Section)
    own_document = Case(
        When(heading=F("plan__title"), then=TextPart(section_document)),
        default=section_document,
        output_field=SearchVectorField(),
    )
    sections = best(
        sections.filter(MayMatch(section_document, query)),
        own_document,
        "updated_at",
        SECTION_FIELDS,
        heading_marked=marked("heading", highlight_all=True),
        body_marked=marked("body", **fragments),
    )
    comments = best(
        comments,
        stored_document(Comment),
        "created_at",
        COMMENT_FIELDS,
        body_marked=marked("body", **fragments),
    )
    return plans, sections, comments


def _fallback(text: str, plans, sections, comments, limit: int) -> list[Candidate]:
    words = terms(text)
    if not words:
        return []
    pattern = terms_pattern(words)

    def every_word(*fields: str) -> Q:
        """Each word in one of `fields`."""
        return reduce(
            and_,
            (reduce(or_, (Q(**{f"{field}__icontains": w}) for field in fields)) for w in words),
        )

    plans = (
        plans.filter(every_word("title"))
        .order_by("-updated_at")
        .values_list(*PLAN_FIELDS, "updated_at")[:limit]
    )
    sections = (
        sections.filter(every_word("own_heading", "body"))
        .annotate(
            heading_hit=Case(
                When(every_word("own_heading"), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-heading_hit", "-updated_at")
        .values_list(*SECTION_FIELDS, "updated_at", "heading_hit")[:limit]
    )
    comments = (
        comments.filter(every_word("body"))
        .order_by("-created_at")
        .values_list(*COMMENT_FIELDS, "created_at")[:limit]
    )

    def same() -> re.Pattern:
        return pattern

    # Ranks: a title hit, then a heading hit, then a text hit, then a comment.
    return [
        *(Candidate("plan", 3, when, row, same) for *row, when in plans),
        *(Candidate("section", 1 + hit, when, row, same) for *row, when, hit in sections),
        *(Candidate("comment", 0, when, row, same) for *row, when in comments),
    ]


class _Urls:
    """Plans' page addresses, reversed once per project of a search's results (a reverse()
    per hit was a tenth of a search's time): the address of a placeholder plan id, with
    each plan's id put in its place."""

    PLACEHOLDER = 9_876_543_210  # any id: it is the last number in the address, after the slug

    def __init__(self):
        self.projects: dict[str, tuple[str, str]] = {}

    def plan(self, slug: str, plan_id: int) -> str:
        parts = self.projects.get(slug)
        if parts is None:
            url = reverse("plan_detail", args=[slug, self.PLACEHOLDER])
            before, _, after = url.rpartition(str(self.PLACEHOLDER))
            parts = self.projects[slug] = (before, after)
        return f"{parts[0]}{plan_id}{parts[1]}"


def _plan_hit(found: Candidate, urls: _Urls) -> Hit:
    plan_id, title, archived_at, project_id, slug, name = found.row
    return Hit(
        kind="plan",
        rank=found.rank,
        updated_at=found.updated_at,
        url=urls.plan(slug, plan_id),
        title=highlight(title, found.pattern()),
        snippet=SafeString(""),
        project_id=project_id,
        project_slug=slug,
        project_name=name,
        plan_id=plan_id,
        plan_title=title,
        archived=archived_at is not None,
    )


def _section_hit(found: Candidate, urls: _Urls) -> Hit:
    section_id, heading, body, plan_id, plan_title, archived_at, project_id, slug, name = found.row
    pattern = found.pattern()
    return Hit(
        kind="section",
        rank=found.rank,
        updated_at=found.updated_at,
        url=f"{urls.plan(slug, plan_id)}#section-{section_id}",
        title=highlight(heading, pattern) if heading else escape(PREAMBLE),
        snippet=snippet(body, pattern),
        project_id=project_id,
        project_slug=slug,
        project_name=name,
        plan_id=plan_id,
        plan_title=plan_title,
        archived=archived_at is not None,
    )


def _comment_hit(found: Candidate, urls: _Urls) -> Hit:
    (comment_id, body, resolved_at, author, section_id, heading) = found.row[:6]
    plan_id, plan_title, archived_at, project_id, slug, name = found.row[6:]
    url = reverse("comments", args=[slug, plan_id, section_id])
    return Hit(
        kind="comment",
        rank=found.rank,
        updated_at=found.updated_at,
        url=f"{url}#comment-{comment_id}",
        title=escape(heading or PREAMBLE),
        snippet=snippet(body, found.pattern()),
        project_id=project_id,
        project_slug=slug,
        project_name=name,
        plan_id=plan_id,
        plan_title=plan_title,
        archived=archived_at is not None,
        comment_id=comment_id,
        author=author,
        resolved=resolved_at is not None,
    )


_HITS = {"plan": _plan_hit, "section": _section_hit, "comment": _comment_hit}
