"""Review mode served from the page cache keyed by the plan's stamp and the reader: every input
the page shows changes the page served next (each test reads it twice first, the second from
the cache), two readers never see each other's page, and a cached page reads the same few rows
whatever the data."""

import re

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planhub.reviews.models import SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.factories import make_plan

TEXT = "# Plan\n\n## Scope\n\nwe build the thing\n\n## Risks\n\nnone known\n"


def url(plan) -> str:
    return reverse("plan_review", args=[plan.project.slug, plan.pk])


def page(client, plan) -> str:
    response = client.get(url(plan))
    assert response.status_code == 200
    return response.content.decode()


def warm(client, plan) -> str:
    """The page twice: the second from the cache (no section read, asserted)."""
    first = page(client, plan)
    with CaptureQueriesContext(connection) as queries:
        second = page(client, plan)
    assert not any('plans_section"' in q["sql"] for q in queries.captured_queries)
    token = re.compile(r'(csrfmiddlewaretoken" value="|"x-csrftoken": ")[^"]+"')
    assert token.sub(r"\1", first) == token.sub(r"\1", second)
    return second


def waiting_part(html: str) -> str:
    return html.split("Waiting for your decision")[1].split("The rest (")[0]


def scope_of(plan):
    section = plan.sections.get(heading="Scope")
    section.plan = plan
    return section


def approve(section, user):
    section.refresh_from_db()
    SectionDecision.record(
        section=section, reviewer=user, decision="approved", version=section.version
    )


def test_my_approval_takes_the_section_out_of_my_queue(client, reviewer, written):
    client.force_login(reviewer)
    html = warm(client, written)
    assert ">Scope<" in waiting_part(html)
    assert "Review mode: approve the focused section" in html  # the shortcuts dialog
    approve(scope_of(written), reviewer)
    html = page(client, written)
    assert ">Scope<" not in waiting_part(html) and "The rest (1)" in html


def test_another_reviewers_approval_shows(client, owner, reviewer, written):
    client.force_login(reviewer)
    assert "0 of 4 sections approved" in warm(client, written)
    approve(scope_of(written), owner)
    html = page(client, written)
    assert "1 of 4 sections approved" in html and ">Scope<" not in waiting_part(html)


def test_an_edit_brings_the_section_back_with_its_diff(client, reviewer, editor, written):
    scope = scope_of(written)
    approve(scope, reviewer)
    client.force_login(reviewer)
    assert ">Scope<" not in waiting_part(warm(client, written))
    scope.refresh_from_db()
    scope.save_edit(
        author=editor, heading="Scope", body="we build another thing", base_version=scope.version
    )
    waiting = waiting_part(page(client, written))
    assert ">Scope<" in waiting and "Approved before the last edit (stale)" in waiting
    assert "another" in waiting


def test_a_request_for_changes_shows(client, owner, reviewer, written):
    client.force_login(reviewer)
    warm(client, written)
    scope = scope_of(written)
    SectionDecision.record(
        section=scope, reviewer=owner, decision="changes_requested", version=scope.version
    )
    assert "Changes requested" in page(client, written)


def test_sign_off_assign_and_sign_show(client, owner, reviewer, viewer, written):
    slot = written.signoff_slots.create(name="Security", position=1)
    decide = reverse("signoff_decide", args=[written.project.slug, written.pk, slot.pk])
    client.force_login(reviewer)
    assert decide not in warm(client, written)
    slot.assign(reviewer, by=owner)
    assert decide in warm(client, written)
    client.force_login(viewer)
    assert decide not in warm(client, written)
    content_hash = review_plan(written).content_hash
    SignOff.record(slot, user=reviewer, decision="signed", reason="", seen_hash=content_hash)
    assert "Signed off" in page(client, written)


def test_a_role_change_of_the_reader_shows(client, owner, viewer, written):
    client.force_login(viewer)
    assert "You can read this page" in warm(client, written)
    membership = written.project.memberships.get(user=viewer)
    membership.change_role("reviewer", by=owner)
    html = page(client, written)
    assert "You can read this page" not in html and "Approve version" in html


def test_project_settings_show(client, owner, reviewer, written):
    approve(scope_of(written), owner)
    client.force_login(reviewer)
    assert ">Scope<" not in waiting_part(warm(client, written))
    written.project.required_approvals = 2
    written.project.save()
    assert ">Scope<" in waiting_part(page(client, written))


def test_two_readers_never_see_each_others_page(client, owner, reviewer, written):
    written.project.required_approvals = 2  # Scope waits for the owner after rita approved
    written.project.save()
    approve(scope_of(written), reviewer)
    for _ in range(2):
        client.force_login(reviewer)
        assert ">Scope<" not in waiting_part(page(client, written))
        client.force_login(owner)
        assert ">Scope<" in waiting_part(page(client, written))
    keys = [k for k in caches["fragments"]._cache if ":review:" in k]
    assert len(keys) == 2


def test_a_cached_page_reads_the_same_few_rows_whatever_the_data(
    client, owner, editor, reviewer, project
):
    counts = []
    for sections, history in ((3, 1), (40, 4)):
        text = "# T\n" + "".join(f"## S{i}\ntext\n" for i in range(sections))
        plan = make_plan(project, owner, text=text)
        for _ in range(history):  # other plans, revisions and decisions
            make_plan(project, owner)
            for section in plan.sections.all()[:10]:
                section.plan = plan
                section.save_edit(
                    author=editor,
                    heading=section.heading,
                    body=f"{section.body} more",
                    base_version=section.version,
                )
                approve(section, reviewer)
        client.force_login(reviewer)
        page(client, plan)
        with CaptureQueriesContext(connection) as queries:
            page(client, plan)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6, counts
