"""Background jobs of the accounts app, run by `manage.py db_worker` (django-tasks)."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

logger = logging.getLogger(__name__)

RESET_SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
RESET_EMAIL_TEMPLATE = "registration/password_reset_email.txt"


@task()
def send_password_reset_mail(user_id: int, to_email: str, domain: str, protocol: str) -> None:
    """The reset link, made here rather than in the request: no token waits in the job queue,
    and a slow or unreachable mail server holds up the worker, never a web request. A failure
    to send is logged and recorded as the job's error."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return  # removed or deactivated since it was asked for
    context = {
        "email": to_email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    subject = "".join(render_to_string(RESET_SUBJECT_TEMPLATE, context).splitlines())
    body = render_to_string(RESET_EMAIL_TEMPLATE, context)
    try:
        EmailMessage(subject, body, to=[to_email]).send()
    except Exception:
        logger.exception("The password reset mail to user %s could not be sent", user_id)
        raise
