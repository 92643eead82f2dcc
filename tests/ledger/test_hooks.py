"""Every action that matters appends its entry, with what an auditor checks, in the same
transaction as the change (whichever way it is made: model method, view, command)."""

import hashlib

import pytest
from django.core.management import call_command
from django.urls import reverse

from planhub.ledger.chain import Action
from planhub.ledger.models import LedgerEntry
from planhub.ledger.verify import verify
from planhub.plans import restructuring
from planhub.projects.models import Membership, Role
from planhub.reviews.models import SectionDecision
from tests.factories import make_user


def last(project, action) -> LedgerEntry:
    entry = LedgerEntry.objects.filter(project_id=project.pk, action=action).last()
    assert entry is not None, f"no {action} entry"
    return entry


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def overview(plan):
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    return section


def test_plan_created_with_every_first_version(project, owner, plan):
    created = last(project, Action.PLAN_CREATED)
    assert (created.target_type, created.target_id, created.plan_id) == (
        "plans.plan",
        plan.pk,
        plan.pk,
    )
    assert created.actor_username == "olivia"
    versions = LedgerEntry.objects.filter(plan_id=plan.pk, action=Action.SECTION_VERSION)
    assert versions.count() == plan.sections.count()
    first = versions.first()
    revision = plan.sections.get(pk=first.payload["section_id"]).revisions.get(version=1)
    assert first.payload["body_sha256"] == sha(revision.body)
    assert verify(project.pk).ok


def test_section_save_appends_its_version(project, editor, overview):
    overview.save_edit(author=editor, heading="Overview", body="We ship.", base_version=1)
    entry = last(project, Action.SECTION_VERSION)
    revision = overview.revisions.get(version=2)
    assert (entry.target_type, entry.target_id) == ("plans.sectionrevision", revision.pk)
    assert entry.payload["version"] == 2
    assert entry.payload["heading"] == "Overview"
    assert entry.payload["body_sha256"] == sha(revision.body)
    assert entry.actor_username == "eddie"
    assert entry.plan_id == overview.plan_id


def test_a_refused_save_appends_nothing(project, editor, overview):
    from planhub.plans.models import EditConflict

    overview.save_edit(author=editor, heading="Overview", body="One.", base_version=1)
    before = LedgerEntry.objects.filter(project_id=project.pk).count()
    with pytest.raises(EditConflict):
        overview.save_edit(author=editor, heading="Overview", body="Two.", base_version=1)
    assert LedgerEntry.objects.filter(project_id=project.pk).count() == before


@pytest.mark.parametrize(
    "change, action",
    [
        (lambda s, u: restructuring.add_section_after(s, u), Action.SECTION_ADDED),
        (lambda s, u: restructuring.move(s, u, up=False), Action.SECTION_MOVED),
        (lambda s, u: restructuring.change_level(s, u, deeper=True), Action.SECTION_LEVEL),
        (lambda s, u: restructuring.delete_section(s, u), Action.SECTION_DELETED),
    ],
)
def test_structure_changes(project, editor, overview, change, action):
    change(overview, editor)
    entry = last(project, action)
    assert entry.actor_username == "eddie"
    assert entry.target_type == "plans.section"
    assert verify(project.pk).ok


def test_restore_after_delete(project, editor, overview):
    restructuring.delete_section(overview, editor)
    restructuring.restore_section(overview, editor)
    entry = last(project, Action.SECTION_RESTORED)
    assert (entry.target_id, entry.payload["heading"]) == (overview.pk, "Overview")


def test_archive_and_unarchive(project, owner, plan):
    plan.set_archived(True, owner)
    assert last(project, Action.PLAN_ARCHIVED).target_id == plan.pk
    plan.set_archived(False, owner)
    assert last(project, Action.PLAN_RESTORED).actor_username == "olivia"


def test_review_decision(project, reviewer, editor, overview):
    overview.save_edit(author=editor, heading="Overview", body="Ready.", base_version=1)
    decision = SectionDecision.record(
        section=overview, reviewer=reviewer, decision="approved", version=2, comment="Good"
    )
    entry = last(project, Action.DECISION)
    assert (entry.target_type, entry.target_id) == ("reviews.sectiondecision", decision.pk)
    assert entry.payload["decision"] == "approved"
    assert entry.payload["version"] == 2
    assert entry.payload["reviewer"] == "rita"
    assert entry.payload["section_id"] == overview.pk
    assert verify(project.pk).ok


def test_signoff_assignment(project, owner, reviewer, plan):
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    entry = last(project, Action.SIGNOFF_ASSIGNED)
    assert entry.payload["assignee"] == "rita"
    assert entry.payload["slot"] == slot.name
    assert entry.plan_id == plan.pk


def test_membership_added_role_changed_removed(client, project, owner):
    newcomer = make_user("nina")
    client.force_login(owner)
    client.post(reverse("members", args=["apollo"]), {"username": "nina", "role": "viewer"})
    added = last(project, Action.MEMBER_ADDED)
    assert (added.payload["user"], added.payload["role"], added.actor_username) == (
        "nina",
        "viewer",
        "olivia",
    )
    member = Membership.objects.get(project=project, user=newcomer)
    client.post(reverse("member_role", args=["apollo", member.pk]), {"role": "editor"})
    role = last(project, Action.MEMBER_ROLE)
    assert (role.payload["from_role"], role.payload["role"]) == ("viewer", "editor")
    client.post(reverse("member_remove", args=["apollo", member.pk]))
    removed = last(project, Action.MEMBER_REMOVED)
    assert removed.target_id == member.pk
    # The membership row is gone, explained by the removal: still intact.
    assert verify(project.pk).ok


def test_unchanged_role_appends_nothing(project, owner, viewer):
    member = Membership.objects.get(project=project, user=viewer)
    before = LedgerEntry.objects.filter(project_id=project.pk).count()
    member.change_role(Role.VIEWER, by=owner)
    assert LedgerEntry.objects.filter(project_id=project.pk).count() == before


def test_project_created_records_its_owner(client, outsider):
    client.force_login(outsider)
    client.post(reverse("project_new"), {"name": "Zephyr", "slug": "zephyr"})
    member = Membership.objects.get(project__slug="zephyr")
    entry = last(member.project, Action.MEMBER_ADDED)
    assert (entry.payload["user"], entry.payload["role"], entry.seq) == ("oscar", "owner", 1)


def test_settings_change(client, project, owner):
    client.force_login(owner)
    response = client.post(
        reverse("project_settings", args=["apollo"]),
        {"name": "Apollo", "description": "", "required_approvals": "2"},
    )
    assert response.status_code == 302
    entry = last(project, Action.SETTINGS)
    assert entry.payload["required_approvals"] == {"from": 1, "to": 2}
    assert entry.actor_username == "olivia"


def test_invitation_accepted(project, owner):
    from planhub.invitations.models import Invitation

    invitation = Invitation.send(
        project, "ivy@example.com", "editor", by=owner, site_url="http://x/"
    )
    ivy = make_user("ivy")
    ivy.email = "ivy@example.com"
    ivy.save()
    invitation.accept(ivy)
    entry = last(project, Action.MEMBER_ADDED)
    assert (entry.payload["user"], entry.payload["role"], entry.actor_username) == (
        "ivy",
        "editor",
        "ivy",
    )


def test_import_plan_command(tmp_path, project, owner):
    path = tmp_path / "plan.md"
    path.write_text("# Imported\n\n## Scope\n\nAll of it.\n")
    call_command("import_plan", str(path), "--project", "apollo", "--owner", "olivia")
    entry = last(project, Action.PLAN_CREATED)
    assert entry.payload["title"] == "Imported"
    assert entry.payload["origin"].startswith("Imported from")


def test_seed_demo_records_members_and_plans(db):
    call_command("seed_demo", "--password", "x-demo-pass-1")
    from planhub.projects.models import Project

    demo = Project.objects.get(slug="demo")
    actions = set(LedgerEntry.objects.filter(project_id=demo.pk).values_list("action", flat=True))
    assert {Action.MEMBER_ADDED, Action.PLAN_CREATED, Action.SECTION_VERSION} <= actions
    assert verify(demo.pk).ok


def test_review_request_made_and_cancelled(project, plan, editor, reviewer, owner):
    from planhub.reviews.models import ReviewRequest

    request = ReviewRequest.create(plan, by=editor, reviewers=[reviewer], message="Please")[0]
    made = last(project, Action.REVIEW_REQUESTED)
    assert (made.target_type, made.target_id, made.plan_id) == (
        "reviews.reviewrequest",
        request.pk,
        plan.pk,
    )
    request.cancel(owner, is_owner=True)
    cancelled = last(project, Action.REVIEW_REQUEST_CANCELLED)
    assert cancelled.target_id == request.pk and cancelled.plan_id == plan.pk
    assert cancelled.seq == made.seq + 1
    assert verify(project.pk).ok
