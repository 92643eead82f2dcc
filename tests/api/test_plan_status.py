"""GET /api/plans/<id>/: the JSON shape and the status values in it."""

from datetime import datetime

import pytest

from planhub.plans.models import Plan, SignOffSlot
from planhub.reviews.models import Comment, SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.factories import make_plan

from .conftest import status_url

PLAN_KEYS = {"id", "title", "project", "url", "status", "placeholders", "approved_sections",
             "total_sections", "content_hash", "updated_at", "sections", "signoffs"}  # fmt: skip
PLAN_KEYS |= {"baseline"}  # the latest frozen version (tests/api/test_baseline.py)
PLAN_KEYS |= {"ledger"}  # the project's audit ledger head
SECTION_KEYS = {"id", "heading", "level", "version", "status", "placeholders", "approvals"}

TEMPLATE_SLOTS = {
    "feature-plan": ["Plan approval"],
    "implementation-plan": ["Plan approval"],
    "phase-plan": ["Reviewed By", "Approved"],
    "technical-approach-plan": [
        "Technical Design", "Security Review", "Product Sign-off", "Launch Approval",
    ],
}  # fmt: skip


def get_json(client, plan, user) -> dict:
    client.force_login(user)
    response = client.get(status_url(plan))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def small_plan(project, author) -> Plan:
    return make_plan(project, author=author, text="# Launch\n\nGo.\n\n## Rollout\n\nSlowly.\n")


@pytest.mark.parametrize("slug", sorted(TEMPLATE_SLOTS))
def test_shape_for_each_builtin_template(client, project, owner, slug):
    plan = make_plan(project, author=owner, slug=slug)
    sections = list(plan.sections.all())

    data = get_json(client, plan, owner)

    assert set(data) == PLAN_KEYS
    assert data["id"] == plan.pk
    assert data["title"] == plan.title
    assert data["project"] == "apollo"
    assert data["url"] == f"http://testserver/p/apollo/plans/{plan.pk}/"
    assert data["total_sections"] == len(sections) == len(data["sections"])
    assert data["approved_sections"] == 0
    assert data["content_hash"] == review_plan(plan).content_hash
    assert [s["id"] for s in data["sections"]] == [s.pk for s in sections]
    for item, section in zip(data["sections"], sections, strict=True):
        assert set(item) == SECTION_KEYS
        assert (item["heading"], item["level"], item["version"]) == (
            section.heading, section.level, 1,
        )  # fmt: skip
        assert item["status"] == "pending"
        assert item["approvals"] == []
        assert isinstance(item["placeholders"], int)
    # Templates are full of [placeholders]; the plan total is the sum over sections.
    assert data["placeholders"] == sum(s["placeholders"] for s in data["sections"]) > 0
    assert [s["slot"] for s in data["signoffs"]] == TEMPLATE_SLOTS[slug]
    for signoff in data["signoffs"]:
        assert signoff == {"slot": signoff["slot"], "assignee": None, "status": "unassigned",
                           "signed_at": None, "signature": None}  # fmt: skip


def test_placeholders_are_counted_per_section(client, project, owner):
    text = (
        "# T\n\n## A\n\n[Name] and [Date], see [docs](x).\n\n"
        "## B\n\n- [ ] task NEEDS CLARIFICATION\n"
    )
    plan = make_plan(project, author=owner, text=text)
    data = get_json(client, plan, owner)
    assert [s["placeholders"] for s in data["sections"]] == [0, 2, 1]
    assert data["placeholders"] == 3


def test_untouched_plan_is_draft(client, project, owner):
    plan = small_plan(project, owner)
    assert get_json(client, plan, owner)["status"] == "draft"


def test_approval_on_current_version_approves_the_section(client, project, owner, reviewer):
    plan = small_plan(project, owner)
    first, second = plan.sections.all()
    SectionDecision.objects.create(
        section=second, reviewer=reviewer, decision="approved", version=1
    )

    data = get_json(client, plan, owner)

    assert [s["status"] for s in data["sections"]] == ["pending", "approved"]
    assert data["sections"][1]["approvals"] == [
        {"reviewer": "rita", "decision": "approved", "version": 1, "current": True}
    ]
    assert data["approved_sections"] == 1
    assert data["status"] == "in_review"


def test_changes_requested(client, project, owner, reviewer):
    plan = small_plan(project, owner)
    section = plan.sections.last()
    SectionDecision.objects.create(
        section=section, reviewer=reviewer, decision="changes_requested", version=1
    )
    data = get_json(client, plan, owner)
    assert data["sections"][1]["status"] == "changes_requested"
    assert data["sections"][1]["approvals"][0]["decision"] == "changes_requested"
    assert data["approved_sections"] == 0


def test_edit_makes_the_approval_stale(client, project, owner, editor, reviewer):
    plan = small_plan(project, owner)
    section = plan.sections.last()
    SectionDecision.objects.create(
        section=section, reviewer=reviewer, decision="approved", version=1
    )
    section.plan = plan
    section.save_edit(
        author=editor, heading=section.heading, body="new", base_version=section.version
    )

    data = get_json(client, plan, owner)

    item = data["sections"][1]
    assert item["version"] == 2
    assert item["status"] == "stale"
    assert item["approvals"] == [
        {"reviewer": "rita", "decision": "approved", "version": 1, "current": False}
    ]
    assert data["approved_sections"] == 0


def test_current_and_stale_decisions_are_both_listed(client, project, owner, editor, reviewer):
    plan = small_plan(project, owner)
    section = plan.sections.last()
    SectionDecision.objects.create(section=section, reviewer=owner, decision="approved", version=1)
    section.plan = plan
    section.save_edit(author=editor, heading=section.heading, body="new", base_version=1)
    SectionDecision.objects.create(
        section=section, reviewer=reviewer, decision="approved", version=2
    )

    item = get_json(client, plan, owner)["sections"][1]

    assert item["status"] == "approved"
    assert item["approvals"] == [
        {"reviewer": "rita", "decision": "approved", "version": 2, "current": True},
        {"reviewer": "olivia", "decision": "approved", "version": 1, "current": False},
    ]


def sign_everything(plan, reviewer) -> SignOffSlot:
    for section in plan.sections.all():
        SectionDecision.objects.create(
            section=section, reviewer=reviewer, decision="approved", version=section.version
        )
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=plan.created_by)
    SignOff.record(
        slot, user=reviewer, decision="signed", reason="", seen_hash=review_plan(plan).content_hash
    )
    return slot


def test_fully_approved_and_signed_plan(client, project, owner, editor, reviewer):
    plan = small_plan(project, owner)
    slot = sign_everything(plan, reviewer)

    data = get_json(client, plan, owner)

    assert data["status"] == "approved"
    assert data["approved_sections"] == data["total_sections"] == 2
    signoff = data["signoffs"][0]
    assert signoff["assignee"] == "rita"
    assert signoff["status"] == "signed"
    signed_at = datetime.fromisoformat(signoff["signed_at"])
    assert abs(signed_at - slot.signoffs.get().created_at).total_seconds() < 0.001
    signature = signoff["signature"]
    assert signature["printed_name"] == "rita" and signature["time_zone"] == "UTC"
    assert signature["meaning"] == "Plan approval: approved"
    assert signature["content_hash"] == slot.signoffs.get().content_hash
    assert signature["identity_check"] == "not recorded"  # recorded directly, not by the view
    assert datetime.fromisoformat(signature["signed_at"]) == signed_at

    # Any edit afterwards: the sign-off and the section go stale, the plan is back in review.
    section = plan.sections.last()
    section.plan = plan
    section.save_edit(author=editor, heading=section.heading, body="changed", base_version=1)
    data = get_json(client, plan, owner)
    assert data["status"] == "in_review"
    assert data["signoffs"][0].pop("signature")["meaning"] == "Plan approval: approved"
    assert data["signoffs"][0] == {"slot": "Plan approval", "assignee": "rita",
                                   "status": "stale", "signed_at": None}  # fmt: skip
    assert data["sections"][1]["status"] == "stale"


def test_assigned_and_declined_signoffs(client, project, owner, reviewer):
    plan = small_plan(project, owner)
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    assert get_json(client, plan, owner)["signoffs"][0]["status"] == "pending"

    SignOff.record(
        slot,
        user=reviewer,
        decision="declined",
        reason="No.",
        seen_hash=review_plan(plan).content_hash,
    )
    signoff = get_json(client, plan, owner)["signoffs"][0]
    assert signoff.pop("signature")["meaning"].startswith("Plan approval: declined: ")
    assert signoff == {
        "slot": "Plan approval", "assignee": "rita", "status": "declined", "signed_at": None,
    }  # fmt: skip


def test_comments_do_not_change_the_status(client, project, owner, reviewer):
    plan = small_plan(project, owner)
    before = get_json(client, plan, owner)
    Comment.objects.create(section=plan.sections.first(), author=reviewer, body="Hm?")
    assert get_json(client, plan, owner) == before


def test_post_without_csrf_token_is_405_not_403(owner, plan):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(status_url(plan)).status_code == 405


def test_answer_is_not_cached(client, owner, plan):
    client.force_login(owner)
    assert "no-store" in client.get(status_url(plan))["Cache-Control"]
