import pytest
from django.urls import reverse

from tests.factories import make_plan

TEXT = "# Launch\n\nWhy.\n\n## Scope\n\nTBD\n\n## Risks\n\nNone yet.\n"


@pytest.fixture
def doc(project, owner):
    """A small plan: Launch (level 1), Scope, Risks."""
    return make_plan(project, owner, text=TEXT)


def poll_url(plan) -> str:
    return reverse("live_poll", args=[plan.project.slug, plan.pk])


def section_of(plan, heading):
    section = plan.sections.get(heading=heading)
    section.plan = plan
    return section
