"""What a section needs to be shown alone (after a save or a review), with its review state."""

from planhub.baselines.compare import mark_section
from planhub.reviews.signoffs import signoff_placement_in
from planhub.reviews.status import review_plan, review_section


def section_display_context(section) -> dict:
    section.review = review_section(section)
    mark_section(section)  # "changed since v1.0", as on the plan page
    signoff_section_id, replaces_body = signoff_placement_in(section.plan.sections.all())
    context = {"signoff_section_id": signoff_section_id, "signoff_replaces_body": replaces_body}
    if signoff_section_id == section.pk:
        context["plan_review"] = review_plan(section.plan)
    return context
