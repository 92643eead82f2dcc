"""Start and stop the test OpenID Connect provider (serve.py) as a second process."""

import json
import os
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "provider-pass-1"
START_TIMEOUT = 60  # seconds; migrate + an RSA key on a busy machine


@dataclass
class TestProvider:
    """One running provider: its issuer URL and the client PlanHub uses."""

    __test__ = False  # not a pytest test class

    name: str
    client_id: str
    secret: str
    process: subprocess.Popen
    log_path: Path
    issuer: str = ""
    users: list[dict] = field(default_factory=list)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(name: str, workdir: Path, redirect_uris: list[str], users: list[dict]) -> TestProvider:
    """Spawn a provider (returns at once; `wait_ready` then reads its port)."""
    for user in users:
        user.setdefault("password", PASSWORD)
    config = {
        "database": str(workdir / f"{name}.sqlite3"),
        "clients": [
            {
                "client_id": f"planhub-{name}",
                "secret": f"secret-of-{name}",
                "redirect_uris": redirect_uris,
            }
        ],
        "users": users,
    }
    config_path = workdir / f"{name}.json"
    config_path.write_text(json.dumps(config))
    log_path = workdir / f"{name}.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.accounts.oidc_provider.serve", str(config_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log_path.open("w"),
        text=True,
    )
    return TestProvider(
        name, f"planhub-{name}", f"secret-of-{name}", process, log_path, users=users
    )


def wait_ready(provider: TestProvider) -> TestProvider:
    deadline = time.monotonic() + START_TIMEOUT
    selector = selectors.DefaultSelector()
    selector.register(provider.process.stdout, selectors.EVENT_READ)
    line = ""
    while not line.startswith("READY"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or provider.process.poll() is not None or not selector.select(remaining):
            provider.stop()
            raise RuntimeError(
                f"the test provider {provider.name} did not start:\n{provider.log()}"
            )
        line = provider.process.stdout.readline()
    selector.close()
    port = int(line.split()[1])
    provider.issuer = f"http://127.0.0.1:{port}/openid"
    return provider
