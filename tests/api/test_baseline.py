"""/api/plans/<id>/ says which version was frozen last (`baseline`) beside the working copy's
`status`."""

from datetime import timedelta

from django.utils.dateparse import parse_datetime

from tests.baselines.conftest import PLAN_TEXT, approve_everything, freeze
from tests.factories import make_plan


def test_baseline_is_null_before_any_freeze(client, project, owner):
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    client.force_login(owner)
    data = client.get(f"/api/plans/{plan.pk}/").json()
    assert data["baseline"] is None
    assert data["status"] == "draft"


def test_baseline_and_working_copy_status_after_an_edit(client, project, owner, reviewer, editor):
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    approve_everything(plan, reviewer=reviewer, owner=owner)
    freeze(plan, owner, name="v1.0")
    latest = freeze(plan, owner, name="v1.1")
    scope = plan.sections.get(heading="Scope")
    scope.plan = plan
    scope.save_edit(author=editor, heading="Scope", body="Edited.\n", base_version=1)

    client.force_login(owner)
    data = client.get(f"/api/plans/{plan.pk}/").json()

    assert data["status"] == "in_review"
    assert data["baseline"]["name"] == "v1.1"
    assert data["baseline"]["content_hash"] == latest.content_hash
    assert data["content_hash"] != latest.content_hash
    frozen_at = parse_datetime(data["baseline"]["frozen_at"])  # JSON keeps milliseconds
    assert abs(frozen_at - latest.frozen_at) < timedelta(milliseconds=1)
