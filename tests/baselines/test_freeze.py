"""PlanVersion.freeze: only owners, only an approved plan, only the content the owner saw;
what it keeps never changes afterwards."""

import pytest

from planhub.baselines.models import (
    NAME_MAX,
    FreezeRefused,
    FrozenSection,
    Immutable,
    PlanVersion,
    check_name,
)
from planhub.ledger import chain
from planhub.ledger.models import LedgerEntry
from planhub.ledger.verify import verify
from planhub.reviews.status import review_plan

from .conftest import approve_everything, freeze


def test_freeze_keeps_the_approved_text_decisions_and_signoffs(approved, owner, reviewer):
    version = freeze(approved, owner)
    assert version.name == "v1.0"
    assert version.note == "First release"
    assert version.frozen_by == owner
    assert version.frozen_by_name == "olivia"
    assert version.title == "Payments revamp"
    assert version.content_hash == review_plan(approved).content_hash
    frozen = list(version.sections.order_by("position"))
    live = list(approved.sections.all())
    assert [(f.section_id, f.heading, f.body, f.section_version) for f in frozen] == [
        (s.pk, s.heading, s.body, s.version) for s in live
    ]
    assert all(f.status == "approved" for f in frozen)
    assert all(f.body_html == s.body_html for f, s in zip(frozen, live, strict=True))
    scope = next(f for f in frozen if f.heading == "Scope")
    assert [(d["reviewer"], d["decision"], d["version"]) for d in scope.decisions] == [
        ("rita", "approved", 1)
    ]
    [signoff] = version.signoffs
    assert signoff["slot"] == "Plan approval"
    assert signoff["counted"] is True
    assert signoff["signer"] == "rita"
    assert signoff["record"]["decision"] == "signed"
    assert signoff["record"]["content_hash"] == version.content_hash


def test_frozen_text_stays_after_later_edits(approved, owner, editor):
    version = freeze(approved, owner)
    scope = approved.sections.get(heading="Scope")
    scope.plan = approved
    scope.save_edit(author=editor, heading="Scope", body="Everything changes.\n", base_version=1)
    frozen = FrozenSection.objects.get(version=version, section_id=scope.pk)
    assert frozen.body == "\nWe move card payments to the new provider.\n\n"
    assert frozen.section_version == 1
    assert review_plan(approved).status == "in_review"
    assert PlanVersion.objects.get().content_hash == version.content_hash


def test_a_version_is_never_changed_nor_deleted(approved, owner):
    version = freeze(approved, owner)
    version.note = "rewritten"
    with pytest.raises(Immutable):
        version.save()
    with pytest.raises(Immutable):
        version.delete()
    section = version.sections.first()
    section.body = "rewritten"
    with pytest.raises(Immutable):
        section.save()
    with pytest.raises(Immutable):
        section.delete()
    assert PlanVersion.objects.get().note == "First release"


def test_refused_unless_approved(draft, owner):
    with pytest.raises(FreezeRefused) as refusal:
        freeze(draft, owner)
    assert str(refusal.value) == (
        "Only an approved plan can be frozen: 5 sections not approved and 1 sign-off not signed."
    )
    assert not PlanVersion.objects.exists()


def test_refused_when_a_section_was_edited_after_approval(approved, owner, editor):
    scope = approved.sections.get(heading="Scope")
    scope.plan = approved
    scope.save_edit(author=editor, heading="Scope", body="Changed.\n", base_version=1)
    with pytest.raises(FreezeRefused, match="1 section not approved and 1 sign-off not signed"):
        freeze(approved, owner)


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_refused_for_anyone_but_an_owner(approved, members, role):
    user = members[role]
    membership = approved.project.memberships.get(user=user)
    with pytest.raises(FreezeRefused, match="Only the project's owners"):
        PlanVersion.freeze(
            approved,
            user=user,
            membership=membership,
            name="v1.0",
            note="",
            seen_hash=review_plan(approved).content_hash,
        )
    assert not PlanVersion.objects.exists()


def test_refused_when_the_plan_changed_since_the_owner_read_it(approved, owner, reviewer):
    seen = review_plan(approved).content_hash
    # Someone edits and everything is approved again: approved, but not what the owner read.
    scope = approved.sections.get(heading="Scope")
    scope.plan = approved
    scope.save_edit(author=owner, heading="Scope", body="Other text.\n", base_version=1)
    approve_everything(approved, reviewer=reviewer, owner=owner)
    membership = approved.project.memberships.get(user=owner)
    with pytest.raises(FreezeRefused, match="changed while you were reading"):
        PlanVersion.freeze(
            approved, user=owner, membership=membership, name="v1.0", note="", seen_hash=seen
        )
    assert not PlanVersion.objects.exists()


def test_duplicate_name_refused(approved, owner):
    freeze(approved, owner, name="v1.0")
    with pytest.raises(FreezeRefused) as refusal:
        freeze(approved, owner, name=" v1.0 ")
    assert refusal.value.field == "name"
    assert "already has a version named “v1.0”" in str(refusal.value)
    freeze(approved, owner, name="v1.1")
    assert PlanVersion.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("", "Give the version a name"),
        ("   ", "Give the version a name"),
        ("v" * (NAME_MAX + 1), f"at most {NAME_MAX} characters (this one has {NAME_MAX + 1})"),
        ("v1.0<script>", "letters, digits, spaces"),
        ("v1\n0", "letters, digits, spaces"),
    ],
)
def test_bad_names_refused(name, says):
    with pytest.raises(FreezeRefused, match=says.replace("(", r"\(").replace(")", r"\)")):
        check_name(name)


@pytest.mark.parametrize("name", ["v1.0", "2026-Q1 release", "v2.0+hotfix", "1", "Ü-1 (final)"])
def test_good_names(name):
    assert check_name(name) == name


def test_the_ledger_holds_the_freeze_and_every_frozen_text(approved, owner):
    version = freeze(approved, owner)
    project_id = approved.project_id
    entries = LedgerEntry.objects.filter(project_id=project_id).order_by("seq")
    frozen = entries.get(action=chain.Action.BASELINE_FROZEN)
    assert (frozen.target_type, frozen.target_id) == ("baselines.planversion", version.pk)
    assert frozen.actor_id == owner.pk and frozen.plan_id == approved.pk
    assert frozen.payload["name"] == "v1.0"
    assert frozen.payload["content_hash"] == version.content_hash
    per_section = entries.filter(action=chain.Action.BASELINE_SECTION)
    assert sorted(per_section.values_list("target_id", flat=True)) == sorted(
        version.sections.values_list("pk", flat=True)
    )
    # The head kept on the version (and printed in its PDF) is the chain's head after them.
    assert version.ledger_head == chain.head(project_id) == entries.last().hash
    assert verify(project_id).ok


def test_verify_ledger_finds_a_frozen_text_changed_behind_the_apps_back(approved, owner):
    version = freeze(approved, owner)
    section = version.sections.order_by("position").last()
    FrozenSection.objects.filter(pk=section.pk).update(body="Something nobody approved.\n")
    result = verify(approved.project_id)
    assert not result.ok
    assert f"baselines.frozensection #{section.pk}" in str(result.problem)
    assert "body" in str(result.problem)


def test_nothing_is_kept_when_the_ledger_fails(approved, owner, monkeypatch):
    def append(**entry):
        raise RuntimeError("ledger down")

    monkeypatch.setattr("planhub.baselines.models.append_many", append)
    with pytest.raises(RuntimeError):
        freeze(approved, owner)
    assert not PlanVersion.objects.exists()
    assert not FrozenSection.objects.exists()
