"""One source of review truth: every path that shows a status agrees, on generated histories.

Each example builds a plan in a fresh project (required approvals 1–3, the placeholder gate
and self-approval on or off), plays a random review history on it — approvals and change
requests by several reviewers, edits that fill or add placeholders, deletions and restores of
sections, sign-offs assigned, signed and declined before and after edits — and then asks every
path: the plan page (as a reviewer), the status API, the plans list's bulk statuses, the
dashboard's three queues, the Markdown export and the printable page the PDF is made from.
All must agree with each other and with an oracle written here from the rules in
planhub/reviews/status.py's docstring.
"""

import contextlib
import os
import re
from itertools import count

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planhub.exports.markdown import plan_markdown
from planhub.exports.printing import render_print_html
from planhub.plans import restructuring
from planhub.plans.models import Section, SignOffSlot
from planhub.projects.models import Role
from planhub.reviews.models import ReviewRefused, SectionDecision, SignOff
from planhub.reviews.rules import content_hash
from planhub.reviews.status import plan_statuses, review_plan
from planhub.reviews.waiting import (
    my_plans_with_changes_requested,
    sections_waiting_for,
    signoffs_waiting_for,
)
from tests.factories import add_member, make_plan, make_project, make_user

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "500"))
_projects = count(1)

PLAIN = (
    "# Plan\n\nWhy.\n\n## Scope\n\nAll of it.\n\n## Risks\n\nSome [risk].\n\n## Notes\n\nNone.\n"
)
WITH_APPROVALS = PLAIN + "\n## Approvals\n\n- **Design**: [Name]\n- **Security**: [Name]\n"

actions = st.one_of(
    st.tuples(st.just("approve"), st.integers(0, 2), st.integers(0, 5)),
    st.tuples(st.just("request"), st.integers(0, 2), st.integers(0, 5)),
    st.tuples(st.just("edit"), st.integers(0, 1), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, 5)),
    st.tuples(st.just("restore"), st.integers(0, 5)),
    st.tuples(st.just("assign"), st.integers(0, 1), st.integers(0, 2)),
    st.tuples(st.just("sign"), st.integers(0, 1), st.sampled_from(["signed", "declined"])),
)


@pytest.fixture
def people(db):
    """owner (writes and reviews), editor (writes), two reviewers."""
    return {
        "owner": make_user("truth-owner"),
        "editor": make_user("truth-editor"),
        "r1": make_user("truth-r1"),
        "r2": make_user("truth-r2"),
    }


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    required=st.integers(1, 3),
    gate=st.booleans(),
    allow_self=st.booleans(),
    with_approvals=st.booleans(),
    history=st.lists(actions, max_size=14),
)
def test_every_path_tells_the_same_status(
    people, required, gate, allow_self, with_approvals, history
):
    owner, editor = people["owner"], people["editor"]
    reviewers = [owner, people["r1"], people["r2"]]
    writers = [editor, owner]
    project = make_project(owner=owner, slug=f"truth-{next(_projects)}")
    project.required_approvals = required
    project.placeholders_block_approval = gate
    project.allow_self_approval = allow_self
    project.save()
    add_member(project, editor, Role.EDITOR)
    for reviewer in reviewers[1:]:
        add_member(project, reviewer, Role.REVIEWER)
    plan = make_plan(project, owner, text=WITH_APPROVALS if with_approvals else PLAIN)
    try:
        play(plan, history, reviewers, writers)
        check_every_path(plan, reviewers, owner, editor)
    finally:
        plan.set_archived(True)  # out of every later example's dashboard queues


def _sections(plan) -> list[Section]:
    sections = list(Section.all_objects.filter(plan=plan).order_by("position"))
    for section in sections:
        section.plan = plan
    return sections


def play(plan, history, reviewers, writers) -> None:
    for action in history:
        kind, *args = action
        sections = _sections(plan)
        if kind in ("approve", "request"):
            reviewer, section = reviewers[args[0]], sections[args[1] % len(sections)]
            if section.deleted_at:
                continue
            decision = "approved" if kind == "approve" else "changes_requested"
            with contextlib.suppress(ReviewRefused):  # the rules refused it: nothing recorded
                SectionDecision.record(
                    section=section, reviewer=reviewer, decision=decision, version=section.version
                )
        elif kind == "edit":
            writer, section, fill = writers[args[0]], sections[args[1] % len(sections)], args[2]
            if section.deleted_at:
                continue
            text = section.editable_body
            text = re.sub(r"\[([^\]]+)\]", r"\1", text) if fill else text + "\n\nMore [to do]."
            section.save_edit(
                author=writer, heading=section.heading, body=text, base_version=section.version
            )
        elif kind == "delete":
            section = sections[args[0] % len(sections)]
            if section.level != 1:  # keep the title
                restructuring.delete_section(section, reviewers[0])
        elif kind == "restore":
            restructuring.restore_section(sections[args[0] % len(sections)], reviewers[0])
        elif kind == "assign":
            slots = list(plan.signoff_slots.order_by("position"))
            slots[args[0] % len(slots)].assign(reviewers[args[1]], by=reviewers[0])
        elif kind == "sign":
            slots = list(plan.signoff_slots.order_by("position").select_related("assignee"))
            slot = slots[args[0] % len(slots)]
            if slot.assignee is not None:
                seen = content_hash(plan.sections.order_by("position"))
                SignOff.record(
                    slot, user=slot.assignee, decision=args[1], reason="", seen_hash=seen
                )


# --- the oracle: the rules, straight from the records ------------------------------------


def expected_statuses(plan) -> tuple[str, dict[int, str], dict[int, str]]:
    """(plan status, {section id: status}, {slot id: status}) by the documented rules."""
    project = plan.project
    live = list(plan.sections.order_by("position"))
    sections = {}
    for section in live:
        latest = {}
        for approval in SectionDecision.objects.filter(section=section).order_by(
            "created_at", "pk"
        ):
            latest[(approval.reviewer_id, approval.version == section.version)] = approval
        on_current = [a for (_, current), a in latest.items() if current]
        deciders = {a.reviewer_id for a in on_current}
        earlier = [a for (r, current), a in latest.items() if not current and r not in deciders]
        approvals = sum(a.decision == "approved" for a in on_current)
        blocked = project.placeholders_block_approval and section.placeholder_count > 0
        if any(a.decision == "changes_requested" for a in on_current):
            sections[section.pk] = "changes_requested"
        elif approvals >= project.required_approvals and not blocked:
            sections[section.pk] = "approved"
        elif any(a.decision == "approved" for a in earlier):
            sections[section.pk] = "stale"
        else:
            sections[section.pk] = "pending"
    now = content_hash(live)
    slots = {}
    for slot in plan.signoff_slots.all():
        mine = list(SignOff.objects.filter(slot=slot, user_id=slot.assignee_id).order_by("pk"))
        if slot.assignee_id is None:
            slots[slot.pk] = "unassigned"
        elif not mine:
            slots[slot.pk] = "pending"
        elif mine[-1].content_hash != now:
            slots[slot.pk] = "stale" if mine[-1].decision == "signed" else "pending"
        else:
            slots[slot.pk] = mine[-1].decision
    activity = (
        SectionDecision.objects.filter(section__in=[s.pk for s in live]).exists()
        or SignOff.objects.filter(slot__plan=plan).exists()
    )
    if live and set(sections.values()) == {"approved"} and set(slots.values()) <= {"signed"}:
        status = "approved"
    else:
        status = "in_review" if activity else "draft"
    return status, sections, slots


# --- every path --------------------------------------------------------------------------


def check_every_path(plan, reviewers, owner, editor) -> None:
    plan.set_archived(False)
    status, sections, slots = expected_statuses(plan)
    truth = review_plan(plan)
    assert truth.status == status
    assert {r.section.pk: r.status for r in truth.sections} == sections
    assert {r.slot.pk: r.status for r in truth.slots} == slots

    # The plans list and the dashboard's recent plans.
    assert plan_statuses([plan]) == {plan.pk: status}

    # The status API.
    client = Client()
    client.force_login(owner)
    data = client.get(reverse("api_plan_status", args=[plan.pk])).json()
    assert data["status"] == status
    assert {s["id"]: s["status"] for s in data["sections"]} == sections
    assert [s["status"] for s in data["signoffs"]] == [slots[r.slot.pk] for r in truth.slots]

    # The plan page, as a reviewer: the outline's badge, each section's badge, and an Approve
    # button exactly where that reviewer may approve.
    reader = reviewers[1]
    client.force_login(reader)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert f'plan-status-{status}"' in html
    for review in truth.sections:
        part = _section_html(html, review.section.pk)
        assert f'status-badge status-{review.status}"' in part
        may = review.may_approve(reader.pk) and not review.approved_by(reader.pk)
        assert ('value="approved"' in part) == may, (review.section, review.status)

    # The dashboard's queues, for each reviewer, limited to this plan.
    live_ids = set(sections)
    for reviewer in reviewers:
        waiting = {s.pk for s in sections_waiting_for(reviewer, limit=1000) if s.pk in live_ids}
        assert waiting == {r.section.pk for r in truth.sections if r.waits_for(reviewer.pk)}
        slots_waiting = {s.pk for s in signoffs_waiting_for(reviewer, limit=1000)}
        expected = {r.slot.pk for r in truth.slots if r.waits_for(reviewer.pk)}
        assert slots_waiting & set(slots) == expected
    changes = "changes_requested" in sections.values()
    assert (plan in my_plans_with_changes_requested(owner, limit=1000)) == changes

    # The Markdown export's sign-off table and the printable page the PDF is made from.
    markdown = plan_markdown(plan)
    assert f"Plan status: **{truth.status_label}**" in markdown
    printable = render_print_html(plan, for_pdf=False)
    assert f'title-status status-{status}"' in printable
    assert ("is-draft" in printable) == (status != "approved")
    assert (
        not SignOffSlot.objects.filter(plan=plan, assignee__isnull=False)
        .exclude(pk__in=slots)
        .exists()
    )


def _section_html(html: str, section_id: int) -> str:
    start = html.index(f'id="section-{section_id}"')
    end = html.find('<section id="section-', start + 1)
    return html[start : end if end != -1 else len(html)]
