"""The app as production runs it, for browser tests: `uvicorn planhub.asgi:application` in a
subprocess against the test database, with the Redis channel layer.

    def test_something(asgi_servers, new_context):
        server = asgi_servers()            # started, /healthz answers
        other = asgi_servers()             # a second app server: same database, same Redis
        server.restart()                   # stopped, then started again on the same port

Each test gets its own channel-layer prefix (its servers share it, nobody else does). Data the
servers see must be committed: the fixture needs `transactional_db`. A failing test's report
carries every server's log (a section per server).
"""

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.worker import ROOT, worker_environment

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
START_TIMEOUT = 30.0
_prefixes = itertools.count(1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class AsgiServer:
    """One uvicorn process serving planhub.asgi on 127.0.0.1:`port`; its log is kept in a file
    across restarts."""

    port: int
    environment: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = START_TIMEOUT) -> "AsgiServer":
        assert not self.running, f"{self.url} is already running"
        with self.log_path.open("a") as log:
            log.write(f"\n===== start {time.strftime('%H:%M:%S')} =====\n")
        log = self.log_path.open("a")
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "planhub.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    # Open WebSockets would otherwise hold a stop for as long as they live.
                    "--timeout-graceful-shutdown",
                    "2",
                ],
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()  # the child has its own copy
        self._wait_healthy(timeout)
        return self

    def stop(self, *, kill: bool = False, timeout: float = 15.0) -> None:
        """Stop the server: SIGTERM (uvicorn closes connections, then exits) or, with `kill`,
        SIGKILL (a crash: nothing is closed cleanly)."""
        if not self.running:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)
        with self.log_path.open("a") as log:
            log.write(f"===== stopped ({'killed' if kill else 'terminated'}) =====\n")

    def restart(self, *, kill: bool = False) -> "AsgiServer":
        self.stop(kill=kill)
        return self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"uvicorn on port {self.port} exited ({self.process.returncode}):\n"
                    + self.log()[-4000:]
                )
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop(kill=True)
        raise RuntimeError(
            f"uvicorn on port {self.port} did not answer /healthz within {timeout} s:\n"
            + self.log()[-4000:]
        )


def server_environment(prefix: str, **overrides: str) -> dict[str, str]:
    return worker_environment(
        REDIS_URL=REDIS_URL,
        CHANNEL_LAYER_PREFIX=prefix,
        # Production serves collectstatic's copy; tests serve static/ as it is in the worktree.
        WHITENOISE_USE_FINDERS="1",
        PYTHONUNBUFFERED="1",
        **overrides,
    )


@pytest.fixture
def asgi_servers(request, transactional_db, tmp_path):
    """asgi_servers(port=None, **environment) -> AsgiServer, started.

    Servers of one test share the database, Redis and a channel-layer prefix of their own;
    all are stopped at the end of the test (before its data is flushed)."""
    prefix = f"test-e2e-{os.getpid()}-{next(_prefixes)}"
    servers: list[AsgiServer] = []
    request.node.asgi_servers = servers

    def _start(port: int | None = None, **environment: str) -> AsgiServer:
        server = AsgiServer(
            port=port or free_port(),
            environment=server_environment(prefix, **environment),
            log_path=tmp_path / f"uvicorn-{len(servers) + 1}.log",
        )
        servers.append(server)
        return server.start()

    yield _start
    for server in servers:
        server.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test's report shows each app server's log."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for number, server in enumerate(getattr(item, "asgi_servers", []), start=1):
            report.sections.append(
                (f"app server {number} ({server.url}) log", server.log()[-20_000:])
            )
