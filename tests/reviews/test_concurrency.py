"""Approvals racing edits and each other, with real threads and connections (PostgreSQL)."""

import contextlib
import threading

import pytest
from django.db import connection

from planhub.plans.models import EditConflict, Section
from planhub.projects.models import Role
from planhub.reviews.models import ContentChanged, SectionDecision
from planhub.reviews.status import review_section
from tests.factories import add_member, make_plan, make_project, make_user

# Filled in: nothing left for the placeholder gate to hold back.
READY = "# Ready plan\n\n## Overview\n\nWe ship it in May.\n"


def run_together(*jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def wrap(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_approval_racing_an_edit_never_counts_for_the_new_text(round_):
    owner, editor = make_user(), make_user()
    reviewers = [make_user() for _ in range(3)]
    project = make_project(owner=owner)
    add_member(project, editor, Role.EDITOR)
    for reviewer in reviewers:
        add_member(project, reviewer, Role.REVIEWER)
    plan = make_plan(project, author=owner, text=READY)
    section_id = plan.sections.get(heading="Overview").pk

    def loaded():
        return Section.objects.select_related("plan__project").get(pk=section_id)

    seen = loaded()  # every reviewer read version 1

    def approve(reviewer):
        def job():
            with contextlib.suppress(ContentChanged):
                SectionDecision.record(
                    section=seen, reviewer=reviewer, decision="approved", version=1
                )

        return job

    def edit():
        with contextlib.suppress(EditConflict):
            loaded().save_edit(author=editor, heading="Overview", body="new", base_version=1)

    errors = run_together(edit, *(approve(r) for r in reviewers))
    assert errors == []
    section = loaded()
    assert section.version == 2
    # Whatever the interleaving: every approval is on version 1, none counts for version 2.
    assert set(SectionDecision.objects.values_list("version", flat=True)) <= {1}
    review = review_section(section)
    assert review.current == [] and review.status in {"stale", "pending"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_both_count_once():
    owner = make_user()
    reviewers = [make_user(), make_user()]
    project = make_project(owner=owner)
    project.required_approvals = 2
    project.save()
    for reviewer in reviewers:
        add_member(project, reviewer, Role.REVIEWER)
    plan = make_plan(project, author=owner, text=READY)
    section = plan.sections.select_related("plan__project").get(heading="Overview")

    def approve(reviewer):
        return lambda: SectionDecision.record(
            section=section, reviewer=reviewer, decision="approved", version=1
        )

    assert run_together(*(approve(r) for r in reviewers)) == []
    section.refresh_from_db()
    review = review_section(section)
    assert review.status == "approved" and review.approved_count == 2
