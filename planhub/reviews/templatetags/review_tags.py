from django import template

from planhub.reviews.signoff_table import signoff_rows as rows_for

register = template.Library()


@register.simple_tag(takes_context=True)
def signoff_rows(context) -> list:
    """The sign-off table's rows for the reader in `context`, from signoff_table.py
    (who may assign or decide, the errors of their last decision form). The table is included
    by views that build their context in other apps (the plan page, a section shown again), so
    the template asks for its rows here rather than each view passing them. On paper
    (`printed`) nobody gets controls."""
    membership = None if context.get("printed") else context.get("membership")
    return rows_for(context["plan_review"], membership, context.get("signoff_forms"))
