"""Shared by the pages' tests: a small plan (`doc`: Scope, Risks with tasks), one whose Scope
has five lines to merge in (`scoped_doc`, `scope`, MINE: an editor's text for it), the feature
plan's Overview, a project's plans in every state (`plans`), a plan whose every section the
editor wrote (`written`), URL helpers."""

import pytest
from django.urls import reverse

from planhub.plans.models import Section
from tests.factories import make_plan

HX = {"HTTP_HX_REQUEST": "true"}


SCOPED_TEXT = (
    "# Plan\n\n"
    "## Scope\n\nline one\nline two\nline three\nline four\nline five\n\n"
    "## Risks\n\nrisk text\n\n"
    "## Tasks\n\n- [ ] write it\n"
)
WRITTEN_TEXT = (
    "# Plan\n\n## Scope\n\nwe build the thing\n\n## Risks\n\nnone known\n\n## Tasks\n\ndo it\n"
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


@pytest.fixture
def written(project, owner, editor):
    """A plan whose every section the editor wrote (so the reviewer and the owner may approve
    them): Scope, Risks, Tasks, each at version 2."""
    plan = make_plan(project, owner, text=WRITTEN_TEXT)
    for s in plan.sections.all():
        s.plan = plan
        s.save_edit(author=editor, heading=s.heading, body=s.body + "\nmore\n", base_version=1)
    return plan
