"""The search as it was before issue 19's search part (planhub/search/query.py and
highlight.py at 21250b5, unchanged but for imports): model instances for every candidate,
every candidate highlighted. Kept as the oracle the new result building is compared with
(test_same_results.py)."""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
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
from django.utils.safestring import SafeString, mark_safe

from planhub.lib import search_columns
from planhub.plans.models import Plan, Section
from planhub.projects.models import Membership, Project
from planhub.reviews.models import Comment

# What PostgreSQL's ts_headline puts around each match. Private-use characters, removed from
# the text before ts_headline sees it (see query.py): every one in its answer is its own.
START, STOP = "\ue000", "\ue001"
WHITESPACE = re.compile(r"\s+")
WORD = re.compile(r"\w+")
MARKED = re.compile(f"{START}(.+?){STOP}", re.DOTALL)
NOTHING = re.compile(r"(?!)")
SNIPPET_CHARS = 220


def collapse(text: str) -> str:
    """One line: a snippet shows text, not the Markdown's line breaks and indentation."""
    return WHITESPACE.sub(" ", text).strip()


def marked_words(*headlines: str) -> list[str]:
    """The words ts_headline marked (between START and STOP) in its answers.

    ts_headline knows which words match (stemmed: "rollbacks" marks "rollback"), but its text
    cannot be shown as is: it drops whatever looks like an HTML tag (`<Widget>` in a heading,
    `<div>` in a code sample). So only the words are taken from it, and the snippet is made
    from the original text (`snippet`), the same way on every database."""
    found = {}
    for text in headlines:
        for word in MARKED.findall(text or ""):
            found.setdefault(word.casefold(), word)
    return list(found.values())


def terms(text: str) -> list[str]:
    """The words of a query, each once (case-insensitively), in order: `[Feature Name]` is
    `["Feature", "Name"]`."""
    words: dict[str, str] = {}
    for word in WORD.findall(text):
        words.setdefault(word.casefold(), word)
    return list(words.values())


def terms_pattern(words: Iterable[str], *, whole_words: bool = False) -> re.Pattern:
    """Any of `words`, case-insensitively, the longest first (so "roll" does not cut a
    "rollback" match short); only where a whole word is the match with `whole_words`."""
    alternatives = sorted({re.escape(word) for word in words if word}, key=len, reverse=True)
    if not alternatives:
        return NOTHING
    pattern = "|".join(alternatives)
    if whole_words:
        pattern = rf"(?<!\w)(?:{pattern})(?!\w)"
    return re.compile(pattern, re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern) -> SafeString:
    """All of `text`, escaped, with <mark> around each match of `pattern`."""
    parts, last = [], 0
    for match in pattern.finditer(text):
        if match.start() == match.end():
            continue
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


def snippet(text: str, pattern: re.Pattern, width: int = SNIPPET_CHARS) -> SafeString:
    """About `width` characters of `text` around its first match (or its start), highlighted,
    cut at spaces, with … where text was left out."""
    text = collapse(text)
    if len(text) <= width:
        return highlight(text, pattern)
    match = pattern.search(text)
    start = 0
    if match is not None and match.end() > width * 2 // 3:
        start = max(0, match.start() - width // 3)
        space = text.find(" ", start, match.start())
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", match.end() if match and match.end() < end else start, end)
        end = space if space > start else end
    before = "… " if start > 0 else ""
    after = " …" if end < len(text) else ""
    return mark_safe(f"{before}{highlight(text[start:end], pattern)}{after}")


MAX_RESULTS = 50
MAX_QUERY_CHARS = 200
CONFIG = "english"
KIND_LABELS = {"plan": "Plan", "section": "Section", "comment": "Comment"}
PREAMBLE = "Before the first heading"  # a section of level 0 has no heading (as on the plan page)
# Large columns a result never shows.
UNSHOWN_SECTION_FIELDS = ("body_html", "heading_html", "heading_source", "guidance")


@dataclass(frozen=True)
class Hit:
    kind: str  # "plan", "section" or "comment"
    rank: float
    updated_at: datetime
    url: str
    title: SafeString  # plan title or section heading, highlighted; a comment's section heading
    snippet: SafeString
    project: Project
    plan: Plan
    comment: Comment | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Results:
    query: str
    hits: list[Hit]
    more: bool  # more than `hits` matched

    def counts(self) -> list[tuple[str, int]]:
        """[("Plan", 1), ("Section", 8), …] for the kinds that have hits."""
        counter = Counter(hit.kind for hit in self.hits)
        return [(KIND_LABELS[kind], counter[kind]) for kind in KIND_LABELS if counter[kind]]


def search(user: AbstractBaseUser, text: str, *, limit: int = MAX_RESULTS) -> Results:
    """The best `limit` hits for `text` in `user`'s projects."""
    projects = Membership.objects.filter(user=user).values("project_id")
    plans = Plan.objects.filter(project__in=projects).select_related("project")
    sections = (
        Section.objects.filter(plan__project__in=projects)
        .select_related("plan__project")
        .defer(*UNSHOWN_SECTION_FIELDS)
        # The H1 a plan's title comes from is found as the plan: its section is not found again
        # by those words (but still by its text).
        .annotate(
            own_heading=Case(
                When(heading=F("plan__title"), then=Value("")),
                default=F("heading"),
                output_field=CharField(),
            )
        )
    )
    comments = Comment.objects.filter(
        section__deleted_at__isnull=True, section__plan__project__in=projects
    ).select_related("section__plan__project", "author")
    comments = comments.defer(*(f"section__{name}" for name in ("body", *UNSHOWN_SECTION_FIELDS)))
    backend = _postgres if connection.vendor == "postgresql" else _fallback
    hits = backend(text, plans, sections, comments, limit + 1)
    hits.sort(key=lambda hit: (hit.rank, hit.updated_at), reverse=True)
    return Results(query=text, hits=hits[:limit], more=len(hits) > limit)


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


def _postgres(text: str, plans, sections, comments, limit: int) -> list[Hit]:
    query = SearchQuery(_fewer_nots(text), search_type="websearch", config=CONFIG)

    def marked(field: str, **options) -> SearchHeadline:
        """ts_headline, only to learn which words of `field` match (see marked_words); the
        sentinels are taken out of the text first, so those in its answer are its own."""
        clean = Replace(Replace(F(field), Value(START), Value("")), Value(STOP), Value(""))
        return SearchHeadline(
            clean, query, config=CONFIG, start_sel=START, stop_sel=STOP, **options
        )

    def best(queryset: QuerySet, document, recency: str, **headlines) -> QuerySet:
        return (
            queryset.annotate(document=document)
            .filter(document=query)
            .annotate(rank=SearchRank(F("document"), query), **headlines)
            .order_by("-rank", f"-{recency}")[:limit]
        )

    # Short fragments, several: enough to see every matching word without sending long texts.
    fragments = {"max_fragments": 6, "max_words": 12, "min_words": 4}
    plans = best(
        plans,
        stored_document(Plan),
        "updated_at",
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
        heading_marked=marked("heading", highlight_all=True),
        body_marked=marked("body", **fragments),
    )
    comments = best(
        comments, stored_document(Comment), "created_at", body_marked=marked("body", **fragments)
    )
    hits = []
    for plan in plans:
        pattern = terms_pattern(marked_words(plan.title_marked), whole_words=True)
        hits.append(_plan_hit(plan, plan.rank, highlight(plan.title, pattern)))
    for section in sections:
        words = marked_words(section.heading_marked, section.body_marked)
        pattern = terms_pattern(words, whole_words=True)
        heading, text = highlight(section.heading, pattern), snippet(section.body, pattern)
        hits.append(_section_hit(section, section.rank, heading, text))
    for comment in comments:
        pattern = terms_pattern(marked_words(comment.body_marked), whole_words=True)
        hits.append(_comment_hit(comment, comment.rank, snippet(comment.body, pattern)))
    return hits


def _fallback(text: str, plans, sections, comments, limit: int) -> list[Hit]:
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

    plans = plans.filter(every_word("title")).order_by("-updated_at")[:limit]
    sections = (
        sections.filter(every_word("own_heading", "body"))
        .annotate(
            heading_hit=Case(
                When(every_word("own_heading"), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-heading_hit", "-updated_at")[:limit]
    )
    comments = comments.filter(every_word("body")).order_by("-created_at")[:limit]
    # Ranks: a title hit, then a heading hit, then a text hit, then a comment.
    return [
        *(_plan_hit(plan, 3, highlight(plan.title, pattern)) for plan in plans),
        *(
            _section_hit(
                section,
                1 + section.heading_hit,
                highlight(section.heading, pattern),
                snippet(section.body, pattern),
            )
            for section in sections
        ),
        *(_comment_hit(comment, 0, snippet(comment.body, pattern)) for comment in comments),
    ]


def _plan_hit(plan: Plan, rank: float, title: SafeString) -> Hit:
    return Hit(
        kind="plan",
        rank=rank,
        updated_at=plan.updated_at,
        url=plan.get_absolute_url(),
        title=title,
        snippet=SafeString(""),
        project=plan.project,
        plan=plan,
    )


def _section_hit(section: Section, rank: float, heading: SafeString, text: SafeString) -> Hit:
    plan = section.plan
    url = reverse("plan_detail", args=[plan.project.slug, plan.pk])
    return Hit(
        kind="section",
        rank=rank,
        updated_at=section.updated_at,
        url=f"{url}#section-{section.pk}",
        title=heading if section.heading else escape(PREAMBLE),
        snippet=text,
        project=plan.project,
        plan=plan,
    )


def _comment_hit(comment: Comment, rank: float, text: SafeString) -> Hit:
    section = comment.section
    plan = section.plan
    url = reverse("comments", args=[plan.project.slug, plan.pk, section.pk])
    return Hit(
        kind="comment",
        rank=rank,
        updated_at=comment.created_at,
        url=f"{url}#comment-{comment.pk}",
        title=escape(section.heading or PREAMBLE),
        snippet=text,
        project=plan.project,
        plan=plan,
        comment=comment,
    )
