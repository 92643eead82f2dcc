"""Shared by the plans app's tests: a small plan (Scope, Risks with tasks)."""

import pytest

from planhub.plans.models import Section
from tests.factories import make_plan

TEXT = (
    "# Plan\n\n## Scope\n\nline one\nline two\nline three\n\n"
    "## Risks\n\n- [ ] backups\n- [x] alerts\n"
)


@pytest.fixture
def doc(project, owner):
    return make_plan(project, owner, text=TEXT)


def section(plan, heading):
    found = Section.objects.get(plan=plan, heading=heading)
    found.plan = plan
    return found
