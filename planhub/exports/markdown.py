"""The plan as one Markdown document."""

from planhub.plans.models import Plan


def plan_markdown(plan: Plan, *, plain: bool = False) -> str:
    """The plan's Markdown. Generated blocks (the sign-off table, added with reviews) are
    left out when `plain`; a plain export of an untouched plan is its template's text."""
    return plan.to_markdown()
