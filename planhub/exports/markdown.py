"""The plan as one Markdown document, with generated blocks (sign-off table, review summaries)
fenced so that an import drops them; `plain` leaves them out.

The sections' own text is kept byte for byte (line endings included); the blocks' text comes
from templates (templates/exports/*.md, autoescape off) and `generated_block` fences it in the
plan's line ending."""

from django.template.loader import render_to_string

from planhub.document.generated_blocks import generated_block
from planhub.document.signoff_list import signoff_placement
from planhub.plans.models import Plan
from planhub.reviews.rules import PlanReview
from planhub.reviews.status import review_plan


def plan_markdown(plan: Plan, *, plain: bool = False, review_summary: bool = False) -> str:
    """The plan's Markdown. A plain export of an untouched plan is its template's text."""
    if plain:
        return plan.to_markdown()
    sections = list(plan.sections.select_related("updated_by"))
    review = review_plan(plan, sections)
    line_ending = plan.line_ending
    signoff_section_id, _ = signoff_placement(sections)
    parts = []
    for section in sections:
        source = section.source
        if review_summary:
            summary = review_summary_text(review, section)
            source += generated_block("review", summary, source, line_ending)
        if section.pk == signoff_section_id:
            source += generated_block("signoff", signoff_table(review), source, line_ending)
        parts.append(source)
    if signoff_section_id is None:
        before = "".join(parts)
        table = signoff_table(review, appendix=True)
        parts.append(generated_block("signoff", table, before, line_ending))
    return "".join(parts)


def signoff_table(review: PlanReview, *, appendix: bool = False) -> str:
    """The sign-off table and the plan's status (templates/exports/_signoff_table.md), under a
    “## Sign-off” heading when it is appended to a plan that has no place for it."""
    context = {"plan_review": review, "appendix": appendix}
    # Under the table, each slot's latest signature as its record holds it (21 CFR 11.50).
    context["signatures"] = [slot.latest for slot in review.slots if slot.latest]
    return render_to_string("exports/_signoff_table.md", context)


def review_summary_text(review: PlanReview, section) -> str:
    """One line quoting a section's review (templates/exports/_review_summary.md)."""
    return render_to_string("exports/_review_summary.md", {"state": review.by_section[section.pk]})
