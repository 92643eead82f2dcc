"""The dashboard served whole from a cache keyed by a stamp of everything it shows to its reader.

Everything on the dashboard comes from the reader's projects: their memberships (names,
descriptions, roles, the review settings), the plans of those projects and their statuses (live
sections, decisions, comments, sign-off slots and sign-offs), the sign-offs assigned to the
reader, the review requests asked of them, and the reader's "today" (due dates in their own
words, "overdue"). `dashboard_stamp` reads an aggregate of each of those tables over the
reader's projects in one query (counts, sums and maxima that every write the page shows moves:
an edit bumps a version and `updated_at`, a move swaps positions, a decision, a comment, a
sign-off or a request adds a row, a resolve, a cancellation or an archiving sets a time, a
deletion lowers a count); the memberships are read as rows and the reader's local date is in
the key. Nothing is invalidated: a change gives a new key. Relative times are not in the page
(`{% timestamp %}`, shown by static/js/timeago.js).

Like the plan page, a username changed by an admin is not in the stamp (PlanHub has no page that
renames a user); the cache's timeout bounds it.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from planhub.accounts.models import Profile
from planhub.exports.plan_stamp import CACHE_ALIAS, snapshot
from planhub.plans.models import Plan, Section, SignOffSlot
from planhub.projects.models import Membership
from planhub.reviews.models import Comment, ReviewRequest, SectionDecision, SignOff

REQUESTS = 7 + 7 + 2 + 5 + 6 + 2  # where the review requests' columns start in the stamp
# Bump when the dashboard changes in a way its stamp does not show.
STAMP_VERSION = 1


def _stamp_sql() -> str:
    t = {
        "m": Membership._meta.db_table,
        "p": Plan._meta.db_table,
        "s": Section._meta.db_table,
        "d": SectionDecision._meta.db_table,
        "c": Comment._meta.db_table,
        "sl": SignOffSlot._meta.db_table,
        "so": SignOff._meta.db_table,
        "rq": ReviewRequest._meta.db_table,
        "tz": Profile._meta.db_table,
    }
    plans = f"SELECT id FROM {t['p']} WHERE project_id IN (SELECT project_id FROM {t['m']} WHERE user_id = %(user)s)"  # noqa: E501
    sections = f"SELECT id FROM {t['s']} WHERE plan_id IN ({plans})"
    return f"""
        SELECT * FROM
        (SELECT COUNT(*), MAX(updated_at), MAX(archived_at), COUNT(archived_at),
                SUM(LENGTH(title)), SUM(id * COALESCE(template_id, 0)), MAX(id)
           FROM {t["p"]} WHERE id IN ({plans})) p,
        (SELECT COUNT(*), SUM(version), SUM(position * id), SUM(level * id),
                SUM(placeholder_count), MAX(updated_at), MAX(id)
           FROM {t["s"]} WHERE plan_id IN ({plans}) AND deleted_at IS NULL) s,
        (SELECT COUNT(*), MAX(id) FROM {t["d"]} WHERE section_id IN ({sections})) d,
        (SELECT COUNT(*), MAX(id), MAX(resolved_at), MAX(deleted_at),
                SUM(CASE WHEN parent_id IS NULL AND resolved_at IS NULL THEN 1 ELSE 0 END)
           FROM {t["c"]} WHERE section_id IN ({sections})) c,
        (SELECT COUNT(*), MAX(id), SUM(id * COALESCE(assignee_id, 0)), MAX(assigned_at),
                SUM(position * id), SUM(LENGTH(name))
           FROM {t["sl"]} WHERE plan_id IN ({plans})) sl,
        (SELECT COUNT(*), MAX(id) FROM {t["so"]}
          WHERE slot_id IN (SELECT id FROM {t["sl"]} WHERE plan_id IN ({plans}))) so,
        (SELECT COUNT(*), MAX(id), COUNT(cancelled_at), MAX(cancelled_at), COUNT(due), MAX(due)
           FROM {t["rq"]} WHERE reviewer_id = %(user)s) rq,
        (SELECT MAX(time_zone) FROM {t["tz"]} WHERE user_id = %(user)s) tz
    """


def dashboard_stamp(user) -> tuple:
    """An aggregate of every table the dashboard shows, over the reader's projects, and the
    reader's time zone: one query."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(), {"user": user.pk})
        return tuple(cursor.fetchone())


@dataclass
class Reader:
    """What of the reader the dashboard shows and is keyed on, read once for key and page."""

    memberships: list  # Membership, with its project
    stamp: tuple

    @classmethod
    def of(cls, user) -> "Reader":
        memberships = Membership.objects.filter(user=user).select_related("project")
        return cls(list(memberships.order_by("project_id")), dashboard_stamp(user))

    @property
    def has_open_requests(self) -> bool:
        """Whether a review request asked of the reader is not cancelled (else no query)."""
        count, _, cancelled = self.stamp[REQUESTS : REQUESTS + 3]
        return count > cancelled

    def key(self, user) -> str:
        projects = [
            (
                m.project_id,
                m.role,
                m.project.slug,
                m.project.name,
                m.project.description,
                m.project.required_approvals,
                m.project.allow_self_approval,
                m.project.placeholders_block_approval,
            )
            for m in self.memberships
        ]
        zone = self.stamp[-1] or "UTC"
        today = timezone.now().astimezone(Profile(time_zone=zone).zone).date()  # "due Friday"
        state = (STAMP_VERSION, user.pk, self.stamp, projects, today)
        return "dashboard:" + hashlib.blake2b(repr(state).encode(), digest_size=20).hexdigest()


def dashboard_content(user, render) -> str:
    """`render(reader)`'s HTML (the dashboard's content for `user`), from the cache while
    nothing it shows changed; a miss renders inside one snapshot of the database, stamp
    included."""
    cache = caches[CACHE_ALIAS]
    reader = Reader.of(user)
    key = reader.key(user)
    html = cache.get(key)
    if html is None:
        with snapshot() as fresh:
            if fresh:
                reader = Reader.of(user)
                key = reader.key(user)
            html = render(reader)
        cache.set(key, html)
    return html
