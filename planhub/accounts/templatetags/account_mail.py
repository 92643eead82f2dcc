from django import template

from planhub.accounts.adapter import mail_available

register = template.Library()


@register.simple_tag
def sends_mail() -> bool:
    """Whether this site sends mail (EMAIL_URL): only then is verification offered."""
    return mail_available()
