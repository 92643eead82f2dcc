"""Every page's SQL queries stay the same when the data around it grows (issue 19): one request
per path on a small data set, then again after adding many times more of everything around the
page (plans, the plan's history, approvals, comments, sign-offs, members, notifications).

Equality between the two sizes is asserted, never a fixed number: the views change (other
work makes them cheaper) and each has its own budget test beside it. A path whose count grows
with the data is an N+1 query, or a query whose cost is in its number of rows' round trips.
Each GET is counted twice per size, with every cache emptied first (cold) and then again
(warm, what most requests cost), so both the rendering path and the cached path are checked."""

from datetime import timedelta
from itertools import count

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planhub.notifications.models import Event, Notification
from planhub.plans.models import Plan, Section, SectionRevision
from planhub.projects.models import Membership, Role
from planhub.reviews.models import Comment, SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.factories import make_plan, make_project, make_user

HX = {"HTTP_HX_REQUEST": "true"}
SECTIONS = 12  # the measured plan: the same size at both data sizes
_names = count(1)

PLAN_TEXT = "# Measured plan\n\nWhy it exists.\n\n" + "".join(
    f"## Part {n}\n\nPart {n} does one thing, with a list:\n\n- first\n- second\n\n"
    for n in range(1, SECTIONS - 1)
)
PLAN_TEXT += "## Approvals\n\n- **Security Review**: [Name]\n"


def clear_caches() -> None:
    for cache in caches.all():
        cache.clear()


def add_history(plan: Plan, author, versions: int) -> None:
    """`versions` more versions of every section of `plan` (text unchanged, as a restore does),
    each recorded with its author; the sections move to their new latest version."""
    sections = list(plan.sections.all())
    revisions = []
    for section in sections:
        for _ in range(versions):
            section.version += 1
            revisions.append(section.revision(author, note="more history"))
    revisions = SectionRevision.objects.bulk_create(revisions)
    SectionRevision.authors.through.objects.bulk_create(
        SectionRevision.authors.through(sectionrevision_id=r.pk, user_id=author.pk)
        for r in revisions
    )
    Section.objects.bulk_update(sections, ["version"])
    plan.touch()


def add_reviews(plan: Plan, reviewers: list, comments_each: int) -> None:
    """Current and stale approvals, change requests and comment threads with replies on every
    section, by each of `reviewers`."""
    decisions, threads = [], []
    for section in plan.sections.all():
        for n, reviewer in enumerate(reviewers):
            decision = "changes_requested" if n % 5 == 4 else "approved"
            version = section.version - (n % 2) if section.version > 1 else section.version
            decisions.append(
                SectionDecision(
                    section=section, reviewer=reviewer, decision=decision, version=version
                )
            )
            threads += [
                Comment(section=section, author=reviewer, body=f"Question {k} on {section.pk}?")
                for k in range(comments_each)
            ]
    SectionDecision.objects.bulk_create(decisions)
    threads = Comment.objects.bulk_create(threads)
    Comment.objects.bulk_create(
        Comment(section_id=t.section_id, author=t.author, parent=t, body="Answered.")
        for t in threads[::2]
    )
    plan.touch()


def add_notifications(user, project, plan, how_many: int) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            event=Event.COMMENT_REPLY if n % 2 else Event.REVIEW_REQUESTED,
            project=project,
            plan=plan,
            title=f"Notification {n}",
            url=plan.get_absolute_url(),
            read_at=now if n % 3 else None,
        )
        for n in range(how_many)
    )
    # Spread in time, as a real inbox is (bulk_create stamps them all with the same moment).
    for n, pk in enumerate(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("pk", flat=True)
    ):
        Notification.objects.filter(pk=pk).update(created_at=now - timedelta(minutes=n))


def add_members(project, how_many: int) -> list:
    people = [make_user(f"extra{next(_names)}") for _ in range(how_many)]
    roles = [Role.EDITOR, Role.REVIEWER, Role.VIEWER]
    Membership.objects.bulk_create(
        Membership(project=project, user=user, role=roles[n % 3]) for n, user in enumerate(people)
    )
    return [user for n, user in enumerate(people) if roles[n % 3] == Role.REVIEWER]


def sign(plan: Plan, signer, owner) -> None:
    slot = plan.signoff_slots.get()
    slot.assign(signer, by=owner)
    SignOff.record(
        slot, user=signer, decision="signed", reason="", seen_hash=review_plan(plan).content_hash
    )


@pytest.fixture
def world(project, owner, editor, reviewer):
    """The small data set: the measured plan with a little of everything, one other plan, one
    other project, a few notifications for each reader."""
    plan = make_plan(project, owner, text=PLAN_TEXT)
    make_plan(project, owner)
    other = make_project(owner=owner, slug="elsewhere", name="Elsewhere")
    make_plan(other, owner)
    add_history(plan, editor, 1)
    add_reviews(plan, [reviewer], 1)
    sign(plan, reviewer, owner)
    for user in (editor, reviewer):
        add_notifications(user, project, plan, 3)
    sections = list(plan.sections.order_by("position").values_list("pk", flat=True))
    return {
        "plan": plan,
        "other_project": other,
        "own": sections[2],  # the editor's section to save
        # Sections the reviewer approves: one per counted request (and one warm-up).
        "to_approve": sections[3:7],
    }


def grow(world, project, owner, editor, reviewer) -> None:
    """Many times more of everything around the measured plan."""
    plan = world["plan"]
    reviewers = add_members(project, 30)
    add_members(world["other_project"], 30)
    for n in range(12):
        make_plan(project if n % 2 else world["other_project"], owner)
    add_history(plan, editor, 20)
    add_reviews(plan, [reviewer, *reviewers[:9]], 3)
    for user in (editor, reviewer):
        add_notifications(user, project, plan, 120)
    add_notifications(reviewers[0], project, plan, 50)


def count_paths(client, world, project, editor, reviewer) -> dict[str, int]:
    """One request per path (GETs cold and warm); the queries each ran."""
    plan = world["plan"]
    args = [project.slug, plan.pk]
    own = Section.objects.get(pk=world["own"])
    section_args = [*args, own.pk]
    pages = {
        "plan page": (editor, reverse("plan_detail", args=args), {}),
        "outline": (editor, reverse("plan_outline", args=args), {}),
        "edit form": (editor, reverse("section_edit", args=section_args), HX),
        "export.md": (editor, reverse("export_md", args=args), {}),
        "dashboard": (reviewer, reverse("dashboard"), {}),
        "search": (reviewer, reverse("search") + "?q=part", {}),
        "inbox": (reviewer, reverse("notifications"), {}),
        "review page": (reviewer, reverse("plan_review", args=args), {}),
        "project page": (editor, reverse("project_detail", args=[project.slug]), {}),
        "API plan status": (editor, reverse("api_plan_status", args=[plan.pk]), {}),
    }
    counts = {}
    for name, (user, url, headers) in pages.items():
        client.force_login(user)
        clear_caches()
        for state in ("cold", "warm"):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, **headers)
            assert response.status_code == 200, (name, response.status_code)
            counts[f"{name} ({state})"] = len(captured)

    client.force_login(editor)
    fields = {"heading": own.heading, "body": own.editable_body + "\n\nOne more line."}
    fields["version"] = own.version
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("section_detail", args=section_args), fields, **HX)
    assert response.status_code == 200, ("save", response.status_code)
    counts["save"] = len(captured)

    client.force_login(reviewer)
    section = Section.objects.get(pk=world["to_approve"].pop())
    url = reverse("section_decide", args=[*args, section.pk])
    fields = {"decision": "approved", "version": section.version, "comment": ""}
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, fields, **HX)
    assert response.status_code == 200, ("approve", response.status_code)
    counts["approve"] = len(captured)
    return counts


def test_query_counts_do_not_grow_with_the_data(client, project, owner, editor, reviewer, world):
    # Warm-up: the first save and approval of a reader may differ from later ones (first
    # revision authored, first decision), and so may the first request of a process.
    count_paths(client, world, project, editor, reviewer)
    small = count_paths(client, world, project, editor, reviewer)
    grow(world, project, owner, editor, reviewer)
    large = count_paths(client, world, project, editor, reviewer)
    differ = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    table = "\n".join(
        f"  {name:<28} {small[name]:>4} -> {large[name]:>4}"
        + ("   <-- grows with the data" if name in differ else "")
        for name in small
    )
    print(table)
    assert not differ, f"queries per request, small -> large data set:\n{table}"
