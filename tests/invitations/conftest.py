import email
import re
import socket
from email.policy import default as default_policy

import dj_email_url
import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from planhub.invitations.models import Invitation
from planhub.mail.models import OutgoingMail

INVITEE = "ivy@example.com"
LINK = re.compile(r"http://testserver(/invitations/[A-Za-z0-9_-]{43}/)")


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


def invite(
    client: Client, slug: str = "apollo", address: str = INVITEE, role: str = "editor", **headers
):
    return client.post(f"/p/{slug}/invitations/", {"email": address, "role": role}, **headers)


def last_link(to: str = INVITEE) -> str:
    """The path of the link in the newest invitation mail to `to`."""
    mail = OutgoingMail.objects.filter(to=to, kind="invitation").order_by("-pk").first()
    assert mail is not None, f"no invitation mail to {to}"
    return LINK.search(mail.text).group(1)


@pytest.fixture
def invited(owner_client, project):
    """An invitation to ivy@example.com as editor, by the owner: (invitation, link path)."""
    assert invite(owner_client).status_code == 302
    return Invitation.objects.get(email=INVITEE), last_link()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port with the site's mail pointed at it; yields
    the messages it receives."""
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(
                (
                    envelope.rcpt_tos,
                    email.message_from_bytes(envelope.content, policy=default_policy),
                )
            )
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_URL = f"smtp://127.0.0.1:{port}"
    for name, value in dj_email_url.parse(settings.EMAIL_URL).items():
        setattr(settings, name, value)
    settings.DEFAULT_FROM_EMAIL = "PlanHub <plans@example.com>"
    try:
        yield received
    finally:
        controller.stop()
