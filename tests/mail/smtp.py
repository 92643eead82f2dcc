"""A real SMTP server on loopback (aiosmtpd) that a test can stop and start again on the same
port, and the site's mail settings pointed at it."""

import asyncio
import email
import socket
import threading
from email.policy import default as default_policy

import dj_email_url
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.lock = threading.Lock()
        self.controller: Controller | None = None
        self.hold_first = False  # the first DATA never gets an answer (a worker dies waiting)
        self.held = threading.Event()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):
        if self.hold_first:
            self.hold_first = False
            self.held.set()
            await asyncio.sleep(3600)
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(message)
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def message_ids(self) -> list[str]:
        with self.lock:
            return [message["Message-ID"] for message in self.messages]

    def configure(self, settings) -> None:
        settings.EMAIL_URL = self.url
        for name, value in dj_email_url.parse(self.url).items():
            setattr(settings, name, value)
        settings.DEFAULT_FROM_EMAIL = "PlanHub <plans@example.com>"
