"""The background worker in tests: queued jobs run in this process (inside the test's
transaction), or by the real `manage.py db_worker` process against the test database (the test
then needs committed data: `transactional_db`)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection
from django_tasks_db.models import DBTaskResult

ROOT = Path(__file__).resolve().parents[1]


def run_queued_tasks() -> int:
    """Run every ready job here and now, as the worker would (jobs they queue run too)."""
    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim("tests")
        try:
            value = result.task.call(*result.task_result.args, **result.task_result.kwargs)
        except Exception as error:  # noqa: BLE001 - recorded as the worker records it
            result.set_failed(error)
        else:
            result.set_successful(value)
        ran += 1
    return ran


def database_url_of_tests() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def worker_command(*extra: str) -> list[str]:
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        *extra,
    ]


def worker_environment(**overrides: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url_of_tests(),
        "LOG_FORMAT": "text",
        **overrides,
    }


def run_db_worker(timeout: float = 180, **environment: str) -> subprocess.CompletedProcess:
    """`manage.py db_worker --batch`: runs what is queued, then exits."""
    return subprocess.run(
        worker_command("--batch"),
        cwd=ROOT,
        env=worker_environment(**environment),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_db_worker(**environment: str) -> subprocess.Popen:
    """A worker that keeps running until the test stops it."""
    return subprocess.Popen(
        worker_command(),
        cwd=ROOT,
        env=worker_environment(**environment),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
