"""restructuring.py: the refusals, a deleted section's reviews, a level change after a save."""

import pytest

from planhub.plans.models import Section
from planhub.plans.restructuring import StructureRefused, change_level, delete_section, move
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


def test_demote_after_a_save_builds_on_the_saved_text(doc, editor, owner):
    loaded = Section.objects.select_related("plan").get(plan=doc, heading="Scope")  # before
    section(doc, "Scope").save_edit(
        author=editor, heading="Scope, renamed", body="mine", base_version=1
    )
    change_level(loaded, owner, deeper=True)
    saved = Section.objects.get(pk=loaded.pk)
    assert (saved.version, saved.level, saved.heading) == (3, 3, "Scope, renamed")
    assert saved.heading_source.startswith("### Scope, renamed")
    assert saved.editable_body == "mine"
