"""A freeze racing a section save, with real threads and connections (PostgreSQL): the frozen
text is always the approved text, never the text of a save committing at the same moment."""

import pytest

from planhub.baselines.models import FreezeRefused, PlanVersion
from planhub.plans.models import Section
from planhub.projects.models import Role
from planhub.reviews.status import review_plan
from tests.factories import add_member, make_plan, make_project, make_user
from tests.reviews.test_concurrency import run_together

from .conftest import PLAN_TEXT, approve_everything


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_freeze_racing_a_save_freezes_the_approved_text_or_nothing(round_):
    owner, editor, reviewer = make_user(), make_user(), make_user()
    project = make_project(owner=owner)
    add_member(project, editor, Role.EDITOR)
    add_member(project, reviewer, Role.REVIEWER)
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    approve_everything(plan, reviewer=reviewer, owner=owner)
    seen = review_plan(plan).content_hash
    scope_id = plan.sections.get(heading="Scope").pk
    approved_body = plan.sections.get(pk=scope_id).body
    membership = project.memberships.get(user=owner)

    def freeze():
        PlanVersion.freeze(
            plan, user=owner, membership=membership, name="v1.0", note="", seen_hash=seen
        )

    def save():
        section = Section.objects.select_related("plan__project").get(pk=scope_id)
        section.save_edit(author=editor, heading="Scope", body="Racing edit.\n", base_version=1)

    errors = run_together(freeze, save)
    assert all(isinstance(error, FreezeRefused) for error in errors), errors
    version = PlanVersion.objects.filter(plan=plan).first()
    if version is None:  # the save came first: nothing frozen, and the reason said
        [refusal] = errors
        assert "not approved" in str(refusal) or "changed while you were reading" in str(refusal)
        assert "Racing edit." in Section.objects.get(pk=scope_id).body
        return
    frozen = version.sections.get(section_id=scope_id)
    assert frozen.body == approved_body
    assert frozen.section_version == 1
    assert version.content_hash == seen
