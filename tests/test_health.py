"""/healthz with its database down: 503, saying only that the database is unavailable (anyone
may ask); the details go to the log. (The healthy answer: tests/test_site.py.)"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ASK_HEALTHZ = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.content.decode()}))
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def test_healthz_with_the_database_down_names_no_detail_and_logs_it():
    port = closed_port()
    result = subprocess.run(
        [sys.executable, "-c", ASK_HEALTHZ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "planhub.settings",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"postgres://planhub:secret@127.0.0.1:{port}/planhub",
        },
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert json.loads(answer["body"]) == {"status": "error", "error": "database unavailable"}

    logs = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    [error] = [line for line in logs if line["logger"] == "planhub.health"]
    assert error["level"] == "ERROR"
    assert error["message"] == "Health check: database unavailable"
    assert "OperationalError" in error["exc_info"]
    # Why, with the port: in the exception, or (through PostgreSQL's connection pool, which
    # connects in the background) in the pool's own warnings.
    assert any(str(port) in line.get("exc_info", line["message"]) for line in logs)
