"""Shared by the pages' tests: a small plan (`doc`: Scope, Risks with tasks), one whose Scope
has five lines to merge in (`scoped_doc`, `scope`, MINE: an editor's text for it), the feature
plan's Overview, a project's plans in every state (`plans`), URL helpers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from planhub.plans.models import Plan, Section
from planhub.reviews.models import SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.factories import make_plan

HX = {"HTTP_HX_REQUEST": "true"}


TEXT = (
    "# Plan\n\n## Scope\n\nline one\nline two\nline three\n\n"
    "## Risks\n\n- [ ] backups\n- [x] alerts\n"
)


@pytest.fixture
def doc(project, owner):
    return make_plan(project, owner, text=TEXT)


SCOPED_TEXT = (
    "# Plan\n\n"
    "## Scope\n\nline one\nline two\nline three\nline four\nline five\n\n"
    "## Risks\n\nrisk text\n\n"
    "## Tasks\n\n- [ ] write it\n"
)
MINE = "line one\nline two, as I wrote it\nline three\nline four\nline five"


@pytest.fixture
def scoped_doc(project, owner):
    return make_plan(project, owner, text=SCOPED_TEXT)


@pytest.fixture
def scope(scoped_doc):
    return scoped_doc.sections.get(heading="Scope")


def versions(section):
    """(version, author, note) of each of the section's revisions, deleted or not."""
    return list(
        Section.all_objects.get(pk=section.pk)
        .revisions.order_by("version")
        .values_list("version", "author__username", "note")
    )


def section(plan, heading):
    found = Section.objects.get(plan=plan, heading=heading)
    found.plan = plan
    return found


def url(section, name="section_detail"):
    return reverse(name, args=[section.plan.project.slug, section.plan_id, section.pk])


@pytest.fixture
def overview(plan):
    return plan.sections.get(heading="Overview")


def aged(plan, days: int) -> Plan:
    """`plan` as last changed `days` ago (the list sorts by it)."""
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - timedelta(days=days))
    plan.refresh_from_db()
    return plan


@pytest.fixture
def plans(project, owner, reviewer):
    """Five plans of every origin and status, each changed on a different day."""
    draft = aged(make_plan(project, owner, text="# Bravo draft\n\n## A\n"), 1)
    in_review = make_plan(project, owner, text="# Alpha in review\n\n## A\n")
    section = in_review.sections.get(heading="A")
    SectionDecision.objects.create(
        section=section, reviewer=reviewer, decision="approved", version=1
    )
    aged(in_review, 2)
    approved = make_plan(project, owner, text="# Charlie approved\n")
    only = approved.sections.get()
    SectionDecision.objects.create(section=only, reviewer=reviewer, decision="approved", version=1)
    slot = approved.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    SignOff.record(
        slot,
        user=reviewer,
        decision="signed",
        reason="",
        seen_hash=review_plan(approved).content_hash,
    )
    aged(approved, 3)
    from_template = aged(make_plan(project, owner, slug="phase-plan"), 4)
    blank = aged(Plan.create_blank(project=project, title="Delta blank", author=owner), 5)
    return {
        "draft": draft,
        "in_review": in_review,
        "approved": approved,
        "template": from_template,
        "blank": blank,
    }
