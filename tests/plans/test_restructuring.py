"""restructuring.py: the refusals, and a deleted section's reviews."""

import pytest

from planhub.plans.restructuring import StructureRefused, delete_section, move
from tests.factories import make_plan

from .conftest import section


def test_structure_refusals(doc, editor, project, owner):
    with pytest.raises(StructureRefused, match="already first"):
        move(section(doc, "Plan"), editor, up=True)
    with pytest.raises(StructureRefused, match="already last"):
        move(section(doc, "Risks"), editor, up=False)
    with_preamble = make_plan(project, owner, text="intro\n# T\n")
    preamble = with_preamble.sections.get(level=0)
    with pytest.raises(StructureRefused, match="always comes first"):
        move(preamble, editor, up=False)


def test_deleted_section_keeps_reviews_and_leaves_status(doc, owner, reviewer):
    from planhub.reviews.models import SectionDecision
    from planhub.reviews.status import review_plan

    risks = section(doc, "Risks")
    SectionDecision.record(section=risks, reviewer=reviewer, decision="approved", version=1)
    delete_section(risks, owner)
    assert [r.section.heading for r in review_plan(doc).sections] == ["Plan", "Scope"]
    assert SectionDecision.objects.filter(section_id=risks.pk).exists()
