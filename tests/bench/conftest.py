"""Shared by the bench tests: the app under uvicorn (a subprocess on the test database)."""

import http.client
import os
import socket
import subprocess
import sys
import time

import pytest

from tests.worker import ROOT, database_url_of_tests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server():
    """uvicorn serving planhub/asgi.py with the in-memory channel layer (one process)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_tests(),
        "REDIS_URL": "",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_FORMAT": "text",
    }
    command = [sys.executable, "-m", "uvicorn", "planhub.asgi:application", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--no-access-log", "--lifespan", "off"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read().decode()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(10)
