"""Real HTTP receivers on loopback for the webhook tests.

`receiver` listens on 127.0.0.2, the one network the tests allow (WEBHOOK_ALLOWED_NETWORKS);
it checks each delivery's signature with the receiver code of docs/webhooks.md, records what
it got and answers what the test scripted. `forbidden` listens on 127.0.0.1, which stays
refused: a test proves a refusal by showing that it never heard anything.
"""

import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
ALLOWED_HOST = "127.0.0.2"
SECRET = "test-secret-0123456789abcdef"


def docs_receiver_code() -> str:
    """The Python block under "A receiver that checks the signature" in docs/webhooks.md."""
    text = DOCS.read_text()
    section = text.split("## A receiver that checks the signature", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def docs_receiver() -> dict:
    """The docs' receiver code, run as a module (not as __main__: it does not serve)."""
    namespace = {"__name__": "docs_receiver"}
    exec(compile(docs_receiver_code(), str(DOCS), "exec"), namespace)
    return namespace


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    at: float = field(default_factory=time.monotonic)


@dataclass
class Receiver:
    host: str
    secret: str = SECRET
    answers: list[tuple[int, bytes, dict]] = field(default_factory=list)  # consumed in order
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def answer(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.answers.append((status, body, headers))


def serve(host: str, secret: str = SECRET):
    verify = docs_receiver()["verify"]
    receiver = Receiver(host=host, secret=secret)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            ok = verify(
                receiver.secret.encode(),
                self.headers.get("X-PlanHub-Timestamp", ""),
                self.headers.get("X-PlanHub-Signature", ""),
                body,
            )
            with lock:
                receiver.received.append(Received(self.path, dict(self.headers), body, ok))
                status, content, headers = (
                    receiver.answers.pop(0) if receiver.answers else (200, b"thanks", {})
                )
            self.send_response(status if ok else 401)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST

        def log_message(self, *args):
            pass

    receiver.server = ThreadingHTTPServer((host, 0), Handler)
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    return receiver


@pytest.fixture
def receiver():
    receiver = serve(ALLOWED_HOST)
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def forbidden():
    """A receiver on 127.0.0.1: loopback, never allowed. It must never hear anything."""
    receiver = serve("127.0.0.1")
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = [f"{ALLOWED_HOST}/32"]
    settings.WEBHOOK_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    settings.WEBHOOK_TIMEOUT_SECONDS = 3
    return settings
