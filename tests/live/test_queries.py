"""A poll costs a fixed number of queries, whatever the plan's size or activity."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planhub.plans.models import Plan
from planhub.reviews.models import Comment, SectionDecision

from .conftest import poll_url

# Session and user (2), the plan with the reader's membership (1), sections (1), approvals (1),
# comments (1), sign-off slots with their sign-offs (1), who is here (1); and when the heartbeat
# is due: upsert it, delete expired ones (2).
READ_QUERIES = 8
MAX_QUERIES = READ_QUERIES + 2


def build_plan(project, author, reviewer, sections: int) -> Plan:
    text = "# T\n" + "".join(f"## S{i}\ntext\n" for i in range(sections - 1))
    plan = Plan.create_from_markdown(project=project, text=text, author=author)
    for section in plan.sections.all():
        section.plan = plan
        SectionDecision.objects.create(
            section=section, reviewer=reviewer, decision="approved", version=section.version
        )
        Comment.objects.create(section=section, author=reviewer, body="Fine.")
    return plan


def poll_queries(client, plan, editing="") -> int:
    since = (timezone.now() - timedelta(minutes=5)).isoformat()  # everything is "new"
    sections = plan.sections.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(poll_url(plan), {"since": since, "editing": editing})
    assert response.status_code == 200
    assert len(response.json()["sections"]) == sections  # each with an edit, review, comment
    return len(captured)


def test_constant_queries_whatever_the_number_of_sections(
    client, project, owner, reviewer, django_assert_max_num_queries
):
    small = build_plan(project, owner, reviewer, 3)
    large = build_plan(project, owner, reviewer, 120)
    client.force_login(owner)
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    for plan in (small, large):
        with django_assert_max_num_queries(MAX_QUERIES):  # the first poll: a heartbeat
            client.get(poll_url(plan), {"since": since})
    # Then most polls only read; editing another section writes the heartbeat again.
    assert poll_queries(client, small) == poll_queries(client, large) == READ_QUERIES
    editing = str(large.sections.last().pk)
    assert poll_queries(client, large, editing=editing) == MAX_QUERIES


def test_constant_queries_whatever_the_number_of_people_here(
    client, project, owner, editor, reviewer, viewer
):
    plan = build_plan(project, owner, reviewer, 5)
    client.force_login(owner)
    poll_queries(client, plan)
    alone = poll_queries(client, plan)
    for user in (editor, reviewer, viewer):
        client.force_login(user)
        poll_queries(client, plan)
    client.force_login(owner)
    assert poll_queries(client, plan) == alone == READ_QUERIES
