from django import template

register = template.Library()


@register.filter
def editor_rows(text: str | None) -> int:
    """Textarea height for `text`: its line count plus room to type, within 6..30."""
    return min(max((text or "").count("\n") + 3, 6), 30)
