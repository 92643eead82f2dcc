"""A stamp of everything a rendering of a plan shows (its page, its outline, its Markdown),
read in one query, and a cache of such renderings keyed by it.

What the plan page shows comes from the plan's records: its row, its live sections, the
decisions and comments on them, its sign-off slots and sign-offs, its frozen versions, the
project's settings (and, for the page, the reader's role). `plan_stamp` reads an aggregate of
each of those tables in one query (counts, sums and maxima that every write a rendering shows
moves: an edit bumps a version and `updated_at`, a move swaps positions, a decision or a
sign-off adds a row, a resolve moves the open-thread count and `resolved_at`, a deletion lowers
a count, an assignment sets `assigned_at`), so a key changes with any of them and nothing has
to be invalidated. Reference definitions re-render other sections' HTML without a new version:
the plan's `references` are in the key. A miss renders inside one snapshot of the database
(REPEATABLE READ on PostgreSQL), stamp included: what is cached is exactly the state its key
names, even when a write lands meanwhile.

The cache is the per-process "fragments" cache (planhub.pages.fragment_cache).
"""

import contextlib
import hashlib

from django.apps import apps
from django.core.cache import caches
from django.db import connection, transaction

from planhub.baselines.models import PlanVersion
from planhub.plans.models import Plan, Section, SignOffSlot
from planhub.reviews.models import Comment, SectionDecision, SignOff

CACHE_ALIAS = "fragments"
# Bump when a cached rendering changes in a way its stamp does not show (a shared cache
# across deploys would otherwise serve the old one; the per-process cache starts empty).
STAMP_VERSION = 1


def _stamp_sql() -> str:
    sections = Section._meta.db_table
    tables = {
        "s": sections,
        "d": SectionDecision._meta.db_table,
        "c": Comment._meta.db_table,
        "sl": SignOffSlot._meta.db_table,
        "so": SignOff._meta.db_table,
        "v": PlanVersion._meta.db_table,
    }
    # Drafts with unpublished typing (coediting, a sibling app: read by table name). Last, so
    # that the page asks for its draft banners only when there are some (`has_drafts`).
    draft = apps.get_model("coediting", "Draft")
    drafts = draft._meta.db_table
    typed = draft._meta.get_field("authors").remote_field.through._meta.db_table
    of_plan = f"section_id IN (SELECT id FROM {sections} WHERE plan_id = %(plan)s)"
    return f"""
        SELECT * FROM
        (SELECT COUNT(*), SUM(version), SUM(position * id), SUM(level * id),
                SUM(placeholder_count), MAX(updated_at), MAX(id)
           FROM {tables["s"]} WHERE plan_id = %(plan)s AND deleted_at IS NULL) s,
        (SELECT COUNT(*), MAX(id) FROM {tables["d"]} WHERE {of_plan}) d,
        (SELECT COUNT(*), MAX(id), MAX(resolved_at), MAX(deleted_at),
                SUM(CASE WHEN parent_id IS NULL AND resolved_at IS NULL THEN 1 ELSE 0 END)
           FROM {tables["c"]} WHERE {of_plan}) c,
        (SELECT COUNT(*), MAX(id), SUM(id * COALESCE(assignee_id, 0)), MAX(assigned_at),
                SUM(position * id), SUM(LENGTH(name))
           FROM {tables["sl"]} WHERE plan_id = %(plan)s) sl,
        (SELECT COUNT(*), MAX(id) FROM {tables["so"]}
          WHERE slot_id IN (SELECT id FROM {tables["sl"]} WHERE plan_id = %(plan)s)) so,
        (SELECT COUNT(*), MAX(id) FROM {tables["v"]} WHERE plan_id = %(plan)s) v,
        (SELECT COUNT(*) FROM {drafts} WHERE {of_plan}
            AND EXISTS (SELECT 1 FROM {typed} WHERE {typed}.draft_id = {drafts}.id)) dr
    """


def has_drafts(stamp: tuple) -> bool:
    """Whether a section of the plan has a draft with unpublished typing (a banner)."""
    return bool(stamp[-1])


def plan_stamp(plan: Plan) -> tuple:
    """An aggregate of every table the plan page shows, restricted to the plan: one query,
    whose cost grows with the plan's rows in the database, not in Python."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(), {"plan": plan.pk})
        return tuple(cursor.fetchone())


def plan_key(kind: str, plan: Plan, stamp: tuple, *extra) -> str:
    """The cache key of one of the plan's cached answers: the stamp, what the plan's and the
    project's rows show (already read by the access check), and `extra` (the reader's role,
    a filter)."""
    project = plan.project
    state = (
        STAMP_VERSION,
        kind,
        stamp,
        project.pk,
        project.slug,
        project.name,
        project.required_approvals,
        project.allow_self_approval,
        project.placeholders_block_approval,
        plan.pk,
        plan.title,
        plan.updated_at,
        plan.archived_at,
        plan.archived_by.username if plan.archived_by_id else None,
        plan.template_id,
        plan.template.name if plan.template_id else None,
        plan.started_blank,
        plan.line_ending,
        repr(plan.references),  # definitions re-render other sections' HTML (no version bump)
        repr(plan.placeholder_syntaxes),
        extra,
    )
    return f"{kind}:" + hashlib.blake2b(repr(state).encode(), digest_size=20).hexdigest()


@contextlib.contextmanager
def snapshot():
    """One view of the database for a miss (the stamp read again, then everything rendered):
    yields whether it is a new one. Inside a caller's transaction (the tests') the isolation
    level can no longer be chosen; the stamp read before is used."""
    if connection.in_atomic_block:
        yield False
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield True


def cached_text(kind: str, plan: Plan, extra: tuple, render) -> str:
    """`render()`'s text (the same for every reader), from the cache while the plan's stamp
    and `extra` are unchanged."""
    cache = caches[CACHE_ALIAS]
    key = plan_key(kind, plan, plan_stamp(plan), *extra)
    text = cache.get(key)
    if text is None:
        with snapshot() as fresh:
            if fresh:
                key = plan_key(kind, plan, plan_stamp(plan), *extra)
            text = render()
        cache.set(key, text)
    return text
