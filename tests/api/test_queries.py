"""The status API reads a plan in a fixed number of queries, whatever its size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planhub.plans.models import Plan
from planhub.reviews.models import Comment, SectionDecision, SignOff
from planhub.reviews.status import review_plan

from .conftest import bearer, status_url

# Session (2: session, user) or token (1, plus an UPDATE at most once a minute); the plan with
# its project (1); the membership (1); the sections (1); review_plan's own queries (approvals,
# open comments, slots, sign-offs, the current versions' authors, and the project's reviewers);
# the project's ledger head (1).
MAX_QUERIES = 12


def build_plan(project, author, reviewer, sections: int) -> Plan:
    text = "# T\n" + "".join(f"## S{i}\ntext [x{i}]\n" for i in range(sections - 1))
    plan = Plan.create_from_markdown(project=project, text=text, author=author)
    for section in plan.sections.all()[:4]:
        SectionDecision.objects.create(
            section=section, reviewer=reviewer, decision="approved", version=section.version
        )
        Comment.objects.create(section=section, author=reviewer, body="Looks fine.")
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=author)
    SignOff.record(
        slot, user=reviewer, decision="signed", reason="", seen_hash=review_plan(plan).content_hash
    )
    return plan


def count_queries(client, plan, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(status_url(plan), **kwargs)
    assert response.status_code == 200
    return len(captured)


def test_constant_queries_by_session(client, project, owner, reviewer):
    small = build_plan(project, owner, reviewer, 10)
    large = build_plan(project, owner, reviewer, 100)
    client.force_login(owner)
    counts = count_queries(client, small), count_queries(client, large)
    assert counts[0] == counts[1] <= MAX_QUERIES, counts


def test_constant_queries_by_token(client, project, owner, reviewer, owner_secret):
    small = build_plan(project, owner, reviewer, 10)
    large = build_plan(project, owner, reviewer, 100)
    first_use = count_queries(client, small, headers=bearer(owner_secret))  # + last_used write
    counts = (
        count_queries(client, small, headers=bearer(owner_secret)),
        count_queries(client, large, headers=bearer(owner_secret)),
    )
    assert counts[0] == counts[1] == first_use - 1, (first_use, counts)
    assert first_use <= MAX_QUERIES


@pytest.mark.parametrize("size", [10, 100])
def test_query_bound(
    client, project, owner, reviewer, owner_secret, size, django_assert_max_num_queries
):
    plan = build_plan(project, owner, reviewer, size)
    client.force_login(owner)
    with django_assert_max_num_queries(MAX_QUERIES):
        data = client.get(status_url(plan)).json()
    assert data["total_sections"] == size
    # The title section; the other approved ones hold a placeholder (the placeholder gate).
    assert data["approved_sections"] == 1
    assert data["placeholders"] == size - 1
    assert data["signoffs"][0]["status"] == "signed"
    client.logout()
    with django_assert_max_num_queries(MAX_QUERIES):  # first use: includes the last_used write
        data = client.get(status_url(plan), headers=bearer(owner_secret)).json()
    assert data["total_sections"] == size
