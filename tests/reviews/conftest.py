"""Shared by the review views' tests: a section last written by the editor, URL helpers."""

import pytest
from django.urls import reverse

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def section(plan, editor):
    """Overview, last written by the editor (so owner and reviewer may approve it)."""
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    section.save_edit(author=editor, heading="Overview", body="Our approach.", base_version=1)
    return section


def section_url(section, name):
    return reverse(name, args=[section.plan.project.slug, section.plan_id, section.pk])


def plan_url(plan, name, *extra):
    return reverse(name, args=[plan.project.slug, plan.pk, *extra])
