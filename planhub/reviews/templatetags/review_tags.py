from django import template

from planhub.reviews import display

register = template.Library()


@register.simple_tag(takes_context=True)
def signoff_rows(context) -> list:
    """The rows of the sign-off table for the reader in `context` (reviews.display prepares
    them: who may assign or decide, the errors of their last decision). A tag because every
    page that shows the table (the plan page, a section shown again, the sign-offs view)
    has the plan's review and the reader's membership, but only some build their context
    here; `printed` (paper) has no controls."""
    membership = None if context.get("printed") else context.get("membership")
    return display.signoff_rows(context["plan_review"], membership, context.get("signoff_forms"))
