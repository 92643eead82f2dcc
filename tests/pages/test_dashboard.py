from django.db import connection
from django.test.utils import CaptureQueriesContext

from planhub.plans import restructuring
from planhub.reviews.models import SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.factories import make_plan, make_project


def edit(section, author, body):
    section.save_edit(
        author=author, heading=section.heading, body=body, base_version=section.version
    )


def test_waiting_for_my_review_lists_unreviewed_sections_newest_first(
    client, reviewer, editor, project, owner
):
    plan = make_plan(project, owner, text="# T\n## A\na\n## B\nb\n")
    a, b = (plan.sections.get(heading=h) for h in "AB")
    for s in (a, b):
        s.plan = plan
    edit(a, editor, "a2")
    edit(b, editor, "b2")
    client.force_login(reviewer)
    html = client.get("/").content.decode()
    waiting = html[html.index("Waiting for my review") : html.index("My plans with changes")]
    assert waiting.index(">B</a>") < waiting.index(">A</a>") < waiting.index(">T</a>")
    SectionDecision.record(section=b, reviewer=reviewer, decision="approved", version=b.version)
    waiting = client.get("/").content.decode()
    waiting = waiting[
        waiting.index("Waiting for my review") : waiting.index("My plans with changes")
    ]
    assert ">B</a>" not in waiting and ">A</a>" in waiting


def test_signoffs_assigned_to_me_wait_until_signed(client, reviewer, owner, project):

    plan = make_plan(project, owner, text="# T\n")
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    client.force_login(reviewer)
    assert f'#signoffs">Plan approval</a> on {plan.title}' in client.get("/").content.decode()
    SignOff.record(
        slot, user=reviewer, decision="signed", reason="", seen_hash=review_plan(plan).content_hash
    )
    assert '#signoffs">Plan approval</a>' not in client.get("/").content.decode()


def test_viewers_and_editors_have_nothing_to_review(client, viewer, editor, plan):
    for user in (viewer, editor):
        client.force_login(user)
        assert "Nothing waits for your review." in client.get("/").content.decode()


def test_my_plans_with_changes_requested(client, editor, reviewer, project, owner):
    plan = make_plan(project, owner, text="# Mine\n## A\na\n")
    section = plan.sections.get(heading="A")
    section.plan = plan
    edit(section, editor, "a2")
    client.force_login(editor)
    assert "No changes requested on your plans." in client.get("/").content.decode()
    SectionDecision.record(
        section=section, reviewer=reviewer, decision="changes_requested", version=2
    )
    html = client.get("/").content.decode()
    block = html[html.index("My plans with changes requested") :]
    assert f'{plan.get_absolute_url()}">Mine</a>' in block
    SectionDecision.record(section=section, reviewer=reviewer, decision="approved", version=2)
    assert "No changes requested on your plans." in client.get("/").content.decode()


def test_dashboard_and_project_show_plan_status(client, reviewer, owner, project):
    plan = make_plan(project, owner, text="# Status plan\n")
    client.force_login(reviewer)
    assert 'plan-status-draft">Draft</span>' in client.get("/").content.decode()
    section = plan.sections.get()
    section.plan = plan
    SectionDecision.record(section=section, reviewer=reviewer, decision="approved", version=1)
    html = client.get(project.get_absolute_url()).content.decode()
    assert 'plan-status-in_review">In review</span>' in html


def _dashboard_queries(client) -> int:

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_dashboard_queries_are_bounded(client, reviewer, owner, editor, project):
    """Every queue has something in it, and the count does not grow with the plans."""

    def busy_plan(n):
        plan = make_plan(project, owner, text=f"# Plan {n}\n## A\na\n## B\nb\n")
        a = plan.sections.get(heading="A")
        a.plan = plan
        edit(a, editor, f"a{n}")
        SectionDecision.record(section=a, reviewer=owner, decision="changes_requested", version=2)
        plan.signoff_slots.get().assign(reviewer, by=owner)

    busy_plan(0)
    client.force_login(reviewer)
    few = _dashboard_queries(client)
    for n in range(1, 12):
        busy_plan(n)
    client.force_login(editor)
    assert "Plan 11" in client.get("/").content.decode()  # changes requested on their plans
    client.force_login(reviewer)
    # Session, user, memberships; recent plans and their reviews (5); waiting sections (3);
    # sign-offs, their plans' section versions and their sign-offs (3: status.slot_reviews);
    # plans with changes requested (1 when none);
    # review requests asked of me (1 when none: tests/pages/test_dashboard_requests.py);
    # the top bar's unread count.
    assert _dashboard_queries(client) == few <= 17


def test_dashboard_lists_my_projects_and_recent_plans_only(client, owner, plan, outsider):
    secret = make_project(owner=outsider, slug="secret", name="Secret")
    make_plan(secret, author=outsider)
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert "Apollo" in html and plan.title in html and "Secret" not in html


def test_dashboard_empty_state(client, outsider):
    client.force_login(outsider)
    html = client.get("/").content.decode()
    assert "You are not in any project yet." in html and "No plans yet." in html


def test_archived_plans_leave_the_dashboard(client, owner, plans):
    plans["blank"].set_archived(True, owner)
    client.force_login(owner)
    html = client.get("/").text
    assert "Bravo draft" in html and "Delta blank" not in html


def test_changes_requested_reads_plans_in_rounds_newest_first(
    client, editor, owner, project, monkeypatch
):
    """The queue judges a few plans per round (reviews/waiting.py PLAN_BATCH) and still finds
    every waiting plan past a round of plans whose request was answered."""
    from planhub.reviews import waiting

    monkeypatch.setattr(waiting, "PLAN_BATCH", 2)
    sections = []
    for n in range(5):
        plan = make_plan(project, editor, text=f"# Plan {n}\n## A\na\n")
        a = plan.sections.get(heading="A")
        a.plan = plan
        edit(a, editor, f"a{n}")
        SectionDecision.record(section=a, reviewer=owner, decision="changes_requested", version=2)
        sections.append(a)
    # The three newest: answered (the same reviewer approves), so they no longer wait; the
    # SQL filter still reads them (an older change request on the current version).
    for a in sections[2:]:
        SectionDecision.record(section=a, reviewer=owner, decision="approved", version=2)
    assert [p.title for p in waiting.my_plans_with_changes_requested(editor)] == [
        "Plan 1",
        "Plan 0",
    ]
    assert [p.title for p in waiting.my_plans_with_changes_requested(editor, limit=1)] == ["Plan 1"]


def test_the_signoff_queue_follows_every_edit_and_decision(reviewer, owner, editor, project):
    """A slot waits until signed or declined on the current content and again after each
    edit (on PostgreSQL the content hash is computed in SQL to leave the others out)."""
    from planhub.reviews.waiting import current_hash_sql, signoffs_waiting_for

    plan = make_plan(project, owner, text="# T\n## A\na\n## B\nb\n")
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    a = plan.sections.get(heading="A")
    a.plan = plan

    def waiting() -> bool:
        if connection.vendor == "postgresql":
            sql_hash = type(slot).objects.annotate(h=current_hash_sql()).get(pk=slot.pk).h
            assert sql_hash == review_plan(plan).content_hash
        return [s.pk for s in signoffs_waiting_for(reviewer)] == [slot.pk]

    def decide(decision: str) -> None:
        seen = review_plan(plan).content_hash
        SignOff.record(slot, user=reviewer, decision=decision, reason="no", seen_hash=seen)

    assert waiting()
    decide("signed")
    assert not waiting()
    edit(a, editor, "a2")
    assert waiting()  # signed on earlier content: stale
    decide("declined")
    assert not waiting()
    edit(a, editor, "a3")
    assert waiting()  # declined earlier content: a new decision is due
    decide("signed")
    assert not waiting()
    a.refresh_from_db()
    restructuring.delete_section(a, owner)
    assert waiting()  # a section fewer is other content


def test_waiting_sections_are_found_past_a_round_of_decided_ones(
    reviewer, editor, owner, project, monkeypatch
):
    """Rounds of CANDIDATE_BATCH rows, each continued after the last row read (keyset)."""
    from planhub.reviews import waiting

    monkeypatch.setattr(waiting, "CANDIDATE_BATCH", 2)
    plan = make_plan(project, owner, text="# T\n" + "".join(f"## S{n}\ns\n" for n in range(5)))
    sections = [plan.sections.get(heading=f"S{n}") for n in range(5)]
    for n, s in enumerate(sections):
        s.plan = plan
        edit(s, editor, f"s{n}")  # S4 the newest
    for s in sections[2:]:
        SectionDecision.record(section=s, reviewer=reviewer, decision="approved", version=2)
    found = [s.heading for s in waiting.sections_waiting_for(reviewer)]
    assert found[:2] == ["S1", "S0"]  # then the untouched title section
    assert [s.heading for s in waiting.sections_waiting_for(reviewer, limit=1)] == ["S1"]
