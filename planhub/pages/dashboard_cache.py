"""The dashboard served whole from a cache keyed by a stamp of everything it shows to its reader.

Everything on the dashboard comes from the reader's projects: their memberships (names,
descriptions, roles, the review settings), the plans of those projects and their statuses (sections,
decisions, sign-off slots and sign-offs), the review requests asked of the reader, and the reader's
"today" (due dates in their own words, "overdue"). Every action that changes any of that in a
project (a plan created or archived, a section saved, moved, deleted or restored, a decision, a
sign-off assigned or given, a review requested or cancelled, a member added, removed or given
another role, the settings changed) appends to the project's audit ledger in the same transaction,
and so moves the project's ledger head (`LedgerHead.seq`, which only grows). `dashboard_stamp`
reads, in one query: the sum of those heads over the reader's projects (a primary-key probe per
project: its cost does not grow with the projects' content or history), the latest change to a plan
row of theirs (an index probe per project: a plan saved in the Django admin, which appends nothing
to the ledger, still moves it), the requests asked of the reader, and their time zone. The
memberships are read as rows (the page shows them, and a membership gained or lost changes them) and
the reader's local date is in the key. Nothing is invalidated: a change gives a new key. Relative
times are not in the page (`{% timestamp %}`, shown by static/js/timeago.js). Comments are not in
the stamp: the dashboard shows none, and no status depends on them (rules.py).

Any other write that goes around the model methods (a raw `UPDATE`, a section or a decision
changed in the Django admin) appends nothing to the ledger: the dashboard shows it once the
cache's timeout has passed; the app itself makes no such write. Like the plan page, a username
changed by an admin is not in the stamp (PlanHub has no page that renames a user).
"""

import hashlib
from dataclasses import dataclass
from typing import NamedTuple

from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from planhub.accounts.models import Profile
from planhub.exports.plan_stamp import CACHE_ALIAS, snapshot
from planhub.ledger.models import LedgerHead
from planhub.plans.models import Plan
from planhub.projects.models import Membership
from planhub.reviews.models import ReviewRequest

# Bump when the dashboard changes in a way its stamp does not show.
STAMP_VERSION = 2


class Stamp(NamedTuple):
    """What `dashboard_stamp` reads, by name (the query's column aliases)."""

    ledger: int  # the sum of the reader's projects' ledger heads: moves with every action
    latest_plan_change: object  # the newest `updated_at` of a plan in those projects
    requests: int  # review requests asked of the reader...
    latest_request: int | None
    cancelled: int
    latest_cancel: object
    with_due: int
    latest_due: object
    time_zone: str | None  # ...and the reader's time zone ("due Friday", "overdue")


def _stamp_sql() -> str:
    t = {
        "m": Membership._meta.db_table,
        "h": LedgerHead._meta.db_table,
        "p": Plan._meta.db_table,
        "rq": ReviewRequest._meta.db_table,
        "tz": Profile._meta.db_table,
    }
    # A project's ledger head is moved in the transaction of every action that matters in it
    # (planhub/ledger/chain.py) and only ever grows: one primary-key probe per project. The
    # latest plan change: one probe per project of the index plan_project_updated.
    return f"""
        SELECT
        (SELECT COALESCE(SUM(h.seq), 0) FROM {t["h"]} h
          WHERE h.project_id IN (SELECT project_id FROM {t["m"]} WHERE user_id = %(user)s))
          AS ledger,
        (SELECT MAX((SELECT p.updated_at FROM {t["p"]} p WHERE p.project_id = m.project_id
                      ORDER BY p.updated_at DESC LIMIT 1))
           FROM {t["m"]} m WHERE m.user_id = %(user)s) AS latest_plan_change,
        rq.*,
        (SELECT time_zone FROM {t["tz"]} WHERE user_id = %(user)s) AS time_zone
        FROM (SELECT COUNT(*) AS requests, MAX(id) AS latest_request,
                     COUNT(cancelled_at) AS cancelled, MAX(cancelled_at) AS latest_cancel,
                     COUNT(due) AS with_due, MAX(due) AS latest_due
                FROM {t["rq"]} WHERE reviewer_id = %(user)s) rq
    """


def dashboard_stamp(user) -> Stamp:
    """The ledger heads of the reader's projects, the review requests asked of them and their
    time zone: one query, whose cost grows with the reader's projects and requests, never with
    the history of the projects' content."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(), {"user": user.pk})
        names = [column[0] for column in cursor.description]
        return Stamp(**dict(zip(names, cursor.fetchone(), strict=True)))


@dataclass
class Reader:
    """What of the reader the dashboard shows and is keyed on, read once for key and page."""

    memberships: list  # Membership, with its project
    stamp: Stamp

    @classmethod
    def of(cls, user) -> "Reader":
        memberships = Membership.objects.filter(user=user).select_related("project")
        return cls(list(memberships.order_by("project_id")), dashboard_stamp(user))

    @property
    def has_open_requests(self) -> bool:
        """Whether a review request asked of the reader is not cancelled (else no query)."""
        return self.stamp.requests > self.stamp.cancelled

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
        zone = self.stamp.time_zone or "UTC"
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
