"""verify_ledger finds every change made behind the app's back, and names the entry."""

import json
from datetime import UTC

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planhub.ledger.chain import Action, append
from planhub.ledger.models import LedgerEntry
from planhub.ledger.verify import verify
from planhub.reviews.models import SectionDecision
from tests.factories import make_project, make_user

from .tampering import raw, triggers_off


@pytest.fixture
def chain(project, owner, editor, reviewer, plan):
    """A plan with an edit and a decision: a dozen entries or more."""
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    section.save_edit(author=editor, heading="Overview", body="We ship.", base_version=1)
    SectionDecision.record(section=section, reviewer=reviewer, decision="approved", version=2)
    for i in range(3):
        append(project_id=project.pk, action=Action.SETTINGS, actor=owner, data={"i": i})
    return list(LedgerEntry.objects.filter(project_id=project.pk).order_by("seq"))


def run(*args) -> tuple[int, str]:
    """(exit status, what it printed)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_ledger", *args, stdout=out, stderr=err)
    except SystemExit as stop:
        return stop.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def middle(chain, action=Action.SETTINGS) -> LedgerEntry:
    return [entry for entry in chain if entry.action == action][0]


def test_an_intact_ledger_exits_0(chain):
    status, output = run()
    assert status == 0
    assert f"Ledger intact: {len(chain)} entries in 1 project checked in" in output


def test_changed_data_is_found(chain):
    entry = middle(chain)
    raw("UPDATE ledger_ledgerentry SET data = %s WHERE id = %s", ['{"i":99}', entry.pk])
    status, output = run()
    assert status == 1
    assert (
        f"project apollo (id {entry.project_id}), entry #{entry.seq} (project.settings)" in output
    )
    assert "its hash does not match its content" in output


def test_changed_hash_is_found(chain):
    entry = middle(chain)
    raw("UPDATE ledger_ledgerentry SET hash = %s WHERE id = %s", ["0" * 64, entry.pk])
    status, output = run("--project", "apollo")
    assert status == 1 and f"entry #{entry.seq} " in output


def test_changed_prev_hash_is_found(chain):
    entry = middle(chain)
    raw("UPDATE ledger_ledgerentry SET prev_hash = %s WHERE id = %s", ["f" * 64, entry.pk])
    status, output = run()
    assert status == 1 and f"entry #{entry.seq} " in output


def test_a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link(chain):
    entry = middle(chain)
    entry.data = '{"i":42}'
    forged = entry.compute_hash()
    raw(
        "UPDATE ledger_ledgerentry SET data = %s, hash = %s WHERE id = %s",
        [entry.data, forged, entry.pk],
    )
    status, output = run()
    assert status == 1
    assert f"entry #{entry.seq + 1} " in output
    assert f"does not match entry #{entry.seq}'s" in output


def test_a_deleted_entry_is_found(chain):
    entry = middle(chain)
    raw("DELETE FROM ledger_ledgerentry WHERE id = %s", [entry.pk])
    status, output = run()
    assert status == 1
    assert f"entry #{entry.seq + 1} " in output
    assert f"entry #{entry.seq} is missing" in output


def test_a_deleted_last_entry_is_found_by_the_head(chain):
    raw("DELETE FROM ledger_ledgerentry WHERE id = %s", [chain[-1].pk])
    status, output = run()
    assert status == 1
    assert "entries were cut off the end" in output


def test_a_changed_revision_body_is_found(chain, plan):
    entry = [e for e in chain if e.action == Action.SECTION_VERSION][-1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE plans_sectionrevision SET body = %s WHERE id = %s",
            ["We never ship.", entry.target_id],
        )
    status, output = run()
    assert status == 1
    assert f"entry #{entry.seq} (section.version)" in output
    assert f"plans.sectionrevision #{entry.target_id}: its body changed" in output


def test_a_changed_decision_is_found(chain):
    entry = middle(chain, Action.DECISION)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reviews_approval SET decision = 'changes_requested' WHERE id = %s",
            [entry.target_id],
        )
    status, output = run()
    assert status == 1
    assert f"entry #{entry.seq} (review.decision)" in output
    assert "its decision is now 'changes_requested', the entry recorded 'approved'" in output


def test_a_deleted_decision_is_found(chain):
    entry = middle(chain, Action.DECISION)
    SectionDecision.objects.filter(pk=entry.target_id).delete()
    status, output = run()
    assert status == 1
    assert f"its record reviews.sectiondecision #{entry.target_id} is gone" in output


def test_another_projects_break_does_not_fail_this_one(chain, owner):
    other = make_project(owner=owner, slug="gemini")
    broken = append(project_id=other.pk, action=Action.SETTINGS, actor=owner)
    raw("UPDATE ledger_ledgerentry SET data = %s WHERE id = %s", ['{"x":1}', broken.pk])
    assert run("--project", "apollo")[0] == 0
    status, output = run("--project", "gemini")
    assert status == 1 and "project gemini" in output
    assert run()[0] == 1


def test_an_unknown_project_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No project has the address “nope”") as error:
        call_command("verify_ledger", "--project", "nope")
    assert error.value.returncode == 2


TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
BIG = st.integers(min_value=0, max_value=2**62)
MUTATIONS = st.one_of(
    st.tuples(st.sampled_from(["project_id"]), st.integers(1, 2**62)),
    st.tuples(st.sampled_from(["seq"]), BIG),
    st.tuples(st.sampled_from(["plan_id", "actor_id", "target_id"]), st.none() | BIG),
    st.tuples(st.sampled_from(["action"]), TEXT.filter(lambda t: len(t) <= 40)),
    st.tuples(st.sampled_from(["actor_username"]), TEXT.filter(lambda t: len(t) <= 150)),
    st.tuples(st.sampled_from(["target_type"]), TEXT.filter(lambda t: len(t) <= 100)),
    st.tuples(st.sampled_from(["hash", "prev_hash"]), st.text("0123456789abcdef", max_size=64)),
    st.tuples(
        st.sampled_from(["data"]),
        st.dictionaries(TEXT, st.integers() | TEXT | st.booleans()).map(json.dumps) | TEXT,
    ),
    st.tuples(st.sampled_from(["created_at"]), st.datetimes(timezones=st.just(UTC))),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(which=st.integers(min_value=0, max_value=10_000), mutation=MUTATIONS)
def test_any_single_change_to_any_entry_field_is_detected(chain, which, mutation):
    name, value = mutation
    entry = chain[which % len(chain)]
    assume(getattr(entry, name) != value)
    assert verify().ok
    try:
        with transaction.atomic():
            with triggers_off():
                try:
                    with transaction.atomic():
                        LedgerEntry.objects.filter(pk=entry.pk).update(**{name: value})
                except Exception:  # noqa: BLE001 - a value the column refuses: not a change
                    assume(False)
            report = verify()
            assert not report.ok, f"{name} = {value!r} on #{entry.seq} went unnoticed"
            raise _Undo
    except _Undo:
        pass
    assert verify().ok


class _Undo(Exception):
    """Leaves the atomic block, undoing the change."""


def test_a_member_deleted_without_an_entry_is_found(chain, project, owner):
    from planhub.projects.models import Membership

    nina = Membership.add(project=project, user=make_user("nina"), role="viewer", by=owner)
    Membership.objects.filter(pk=nina.pk).delete()  # not through remove(): no entry says so
    status, output = run()
    assert status == 1
    assert f"its record projects.membership #{nina.pk} is gone" in output
