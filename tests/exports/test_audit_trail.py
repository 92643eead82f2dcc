"""/p/<slug>/plans/<id>/audit.csv and audit.json: a plan's audit trail, for its owners."""

import csv
import hashlib
import io
import json

from django.urls import reverse

from planhub.ledger.chain import Action, append, head
from planhub.ledger.models import LedgerEntry, canonical_json
from planhub.reviews.models import SectionDecision
from tests.factories import make_plan, make_user


def url(plan, name: str) -> str:
    return reverse(name, args=[plan.project.slug, plan.pk])


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_csv_lists_every_entry_about_the_plan(client, owner, editor, reviewer, plan, project):
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    section.save_edit(author=editor, heading="Overview", body="We ship.", base_version=1)
    SectionDecision.record(section=section, reviewer=reviewer, decision="approved", version=2)
    other = make_plan(project, author=owner)  # another plan: not in this trail
    client.force_login(owner)
    response = client.get(url(plan, "audit_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="' in response["Content-Disposition"]
    assert response["X-Ledger-Head"] == head(project.pk)
    rows = list(csv.DictReader(io.StringIO(body(response))))
    expected = LedgerEntry.objects.filter(plan_id=plan.pk).order_by("seq")
    assert [int(row["seq"]) for row in rows] == [e.seq for e in expected]
    assert not LedgerEntry.objects.filter(plan_id=other.pk, seq__in=[r["seq"] for r in rows])
    assert rows[0]["action"] == "plan created" and rows[0]["who"] == "olivia"
    decision = rows[-1]
    assert (decision["action"], decision["who"]) == ("review decision", "rita")
    assert json.loads(decision["data"])["decision"] == "approved"
    assert decision["time"].endswith("+00:00")
    assert decision["target"].startswith("reviews.sectiondecision #")


def test_json_entries_can_be_rehashed_by_anyone(client, owner, plan, project):
    client.force_login(owner)
    response = client.get(url(plan, "audit_json"))
    assert response.status_code == 200
    data = json.loads(body(response))
    assert data["plan"] == {"id": plan.pk, "title": plan.title, "project": "apollo"}
    assert data["project_ledger"]["head"] == head(project.pk)
    assert len(data["entries"]) == LedgerEntry.objects.filter(plan_id=plan.pk).count()
    for entry in data["entries"]:
        # The recipe in docs/ledger.md, from the export alone.
        content = {
            "project_id": entry["project_id"],
            "plan_id": entry["plan_id"],
            "seq": entry["seq"],
            "action": entry["action_code"],
            "actor_id": entry["actor_id"],
            "actor_username": entry["who"],
            "target_type": entry["target_type"],
            "target_id": entry["target_id"],
            "data": entry["data_text"],
            "created_at": entry["time"],
            "prev_hash": entry["prev_hash"],
        }
        assert hashlib.sha256(canonical_json(content).encode()).hexdigest() == entry["hash"]
        assert json.loads(entry["data_text"]) == entry["data"]


def test_a_plan_from_before_the_ledger_has_an_empty_trail(client, owner, project):
    from planhub.plans.models import Plan

    old = Plan.objects.create(project=project, title="Old plan", created_by=owner)
    client.force_login(owner)
    data = json.loads(body(client.get(url(old, "audit_json"))))
    assert data["entries"] == []
    assert body(client.get(url(old, "audit_csv"))).splitlines() == [
        ",".join(
            [
                "seq",
                "time",
                "who",
                "action",
                "action_code",
                "target",
                "data",
                "project_id",
                "plan_id",
                "actor_id",
                "target_type",
                "target_id",
                "prev_hash",
                "hash",
            ]
        )
    ]


def test_a_username_that_looks_like_a_formula_is_defused(client, owner, plan, project):
    mallory = make_user("=cmd")
    append(project_id=project.pk, action=Action.SETTINGS, actor=mallory, data={"plan_id": plan.pk})
    client.force_login(owner)
    rows = list(csv.DictReader(io.StringIO(body(client.get(url(plan, "audit_csv"))))))
    assert rows[-1]["who"] == "'=cmd"


def test_queries_do_not_grow_with_the_trail(
    client, owner, plan, project, django_assert_max_num_queries
):
    for i in range(300):
        append(
            project_id=project.pk,
            action=Action.SETTINGS,
            actor=owner,
            data={"plan_id": plan.pk, "i": i},
        )
    client.force_login(owner)
    # Session, user, membership with project, plan, head, the entries (one cursor).
    with django_assert_max_num_queries(7):
        text = body(client.get(url(plan, "audit_csv")))
    assert text.count("\n") > 300


def test_owners_see_the_links_others_do_not(client, owner, editor, plan):
    client.force_login(owner)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert url(plan, "audit_csv") in page and url(plan, "audit_json") in page
    client.force_login(editor)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert url(plan, "audit_csv") not in page
