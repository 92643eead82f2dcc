"""Where the live sign-off table goes: the SQL pre-filter a save uses finds the same section
as reading every section would."""

import pytest

from planhub.document.signoff_list import signoff_placement
from planhub.reviews.signoffs import (
    may_hold_signoff_list,
    signoff_candidates,
    signoff_placement_in,
)
from tests.factories import make_plan

TEMPLATES = ["feature-plan", "implementation-plan", "phase-plan", "technical-approach-plan"]
DOCUMENTS = {
    "approvals heading": "# T\n\n## Goal\n\nx\n\n## APPROVALS\n\n- **Design**: [Name]\n",
    "sign-off heading, not first": "# T\n\n## Sign-Off\n\nNo list here.\n\n## Sign off\n\n"
    "- **Ops**: [Name]\n",
    "signature lines": "# T\n\n## Close\n\nDone.\n\n**Reviewed By:** [Name]\n"
    "**Approved:** [Name]\n",
    "signed-off line": "# T\n\n## End\n\n**Signed-off By:** [Name]\n",
    "approvals heading without a list": "# T\n\n## Approvals\n\nAsk around.\n",
    "nothing": "# T\n\n## Goal\n\nApproved by everyone, signed in blood.\n",
}


def placements(plan):
    everything = signoff_placement(list(plan.sections.all()))
    filtered = signoff_placement(signoff_candidates(plan.sections.all()))
    assert signoff_placement_in(plan.sections.all()) == filtered
    return everything, filtered


@pytest.mark.parametrize("slug", TEMPLATES)
def test_builtin_templates(project, owner, slug):
    everything, filtered = placements(make_plan(project, author=owner, slug=slug))
    assert filtered == everything


@pytest.mark.parametrize("name", DOCUMENTS)
def test_documents(project, owner, name):
    everything, filtered = placements(make_plan(project, author=owner, text=DOCUMENTS[name]))
    assert filtered == everything
    if name in ("nothing", "approvals heading without a list"):
        assert everything == (None, False)
    else:
        assert everything[0] is not None


@pytest.mark.parametrize("slug", TEMPLATES)
@pytest.mark.parametrize("name", [*DOCUMENTS, None])
def test_the_python_check_agrees_with_the_sql_filter(project, owner, name, slug):
    """A section shown alone skips the placement's query when it fails the filter itself:
    the same sections pass in Python as in SQL, so the one holding the list always does."""
    text = DOCUMENTS[name] if name else None
    plan = make_plan(project, author=owner, text=text, slug=slug)
    candidates = set(signoff_candidates(plan.sections.all()).values_list("pk", flat=True))
    assert {s.pk for s in plan.sections.all() if may_hold_signoff_list(s)} == candidates
    placed, _ = signoff_placement_in(plan.sections.all())
    assert placed is None or placed in candidates
