"""The dashboard served whole from a cache keyed by a stamp of everything it shows to its reader.

Everything on the dashboard comes from the reader's projects: their memberships (names,
descriptions, roles, the review settings), the plans of those projects and their statuses
(sections, decisions, sign-off slots and sign-offs), the review requests asked of the reader,
and the reader's "today" (due dates in their own words, "overdue"). `dashboard_stamp` reads, in
one query: an aggregate of the plans (count, latest `updated_at`, archiving, titles), which
covers their sections, since every write to a section (an edit, a move, a deletion, a restore)
touches its plan (`Plan.touch`); the latest decision on the reader's projects (decisions are
only appended: found walking down the primary key, so its cost does not grow with the history);
an aggregate of the sign-off slots and sign-offs; the requests asked of the reader; and their
time zone. The memberships are read as rows (the page shows them) and the reader's local date
is in the key. Nothing is invalidated: a change gives a new key. Relative times are not in the
page (`{% timestamp %}`, shown by static/js/timeago.js). Comments are not in the stamp: the
dashboard shows none, and no status depends on them (rules.py).

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
from planhub.reviews.models import ReviewRequest, SectionDecision, SignOff

REQUESTS = 7 + 1 + 6 + 2  # where the review requests' columns start in the stamp
# Bump when the dashboard changes in a way its stamp does not show.
STAMP_VERSION = 1


def _stamp_sql() -> str:
    t = {
        "m": Membership._meta.db_table,
        "p": Plan._meta.db_table,
        "s": Section._meta.db_table,
        "d": SectionDecision._meta.db_table,
        "sl": SignOffSlot._meta.db_table,
        "so": SignOff._meta.db_table,
        "rq": ReviewRequest._meta.db_table,
        "tz": Profile._meta.db_table,
    }
    projects = f"SELECT project_id FROM {t['m']} WHERE user_id = %(user)s"
    plans = f"SELECT id FROM {t['p']} WHERE project_id IN ({projects})"
    # The latest decision on the reader's projects: walked down the primary key, it stops at
    # the first one in them (an aggregate over all would grow with their history).
    latest_decision = f"""
        SELECT d.id FROM {t["d"]} d JOIN {t["s"]} s ON s.id = d.section_id
         WHERE s.plan_id IN ({plans}) ORDER BY d.id DESC LIMIT 1"""
    return f"""
        SELECT * FROM
        (SELECT COUNT(*), MAX(updated_at), MAX(archived_at), COUNT(archived_at),
                SUM(LENGTH(title)), SUM(id * COALESCE(template_id, 0)), MAX(id)
           FROM {t["p"]} WHERE project_id IN ({projects})) p,
        (SELECT ({latest_decision}) AS latest) d,
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
