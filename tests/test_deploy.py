"""The deployment files stay valid."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


@pytest.mark.skipif(
    compose_command() is None, reason="needs docker-compose (make test installs it)"
)
def test_compose_file_is_valid():
    result = subprocess.run(
        [*compose_command(), "-f", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "postgres:16" in result.stdout
    assert "db_worker" in result.stdout  # the background worker runs beside the app
    # the app and the worker share the channel layer (the worker's broadcasts reach browsers)
    assert result.stdout.count("REDIS_URL: redis://redis:6379/0") == 2


def test_the_image_serves_the_asgi_application_under_uvicorn():
    command = (ROOT / "Dockerfile").read_text().rsplit("CMD ", 1)[1]
    assert "exec uvicorn planhub.asgi:application" in command
    assert "--workers ${WEB_CONCURRENCY:-3}" in command
    assert "gunicorn" not in command and "planhub.wsgi" not in command


def test_settings_refuse_to_start_without_secret_key_in_production():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "planhub.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode != 0 and "Set SECRET_KEY" in result.stderr
