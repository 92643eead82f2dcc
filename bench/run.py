"""PlanHub load benchmark: a realistic PostgreSQL data set, the app under uvicorn, concurrent
logged-in clients on loopback, and per path: requests/s, latency percentiles, queries per
request, compared with a bare Django view measured in the same run.

    make bench                                   # or: .venv/bin/python bench/run.py
    make bench BENCH_ARGS=--reuse                # keep the data set of an earlier run
    BENCH_SECONDS=5 make bench                   # shorter phases
    .venv/bin/python bench/run.py --profile plan # cProfile one path in-process, no server

Steps:
1. builds the data set (bench/dataset.py) in its own database `planhub_bench` (dropped and
   created again, unless --reuse finds a complete one), and prints how long that took; with the
   PDF job part on, also the 1,000-section plan (bench/big_plan.py, made once and reused);
   forgets every PDF kept and every job queued by an earlier run;
2. starts the production server, `uvicorn planhub.asgi:application --workers 3` (BENCH_SERVER=
   gunicorn-uvicorn or gunicorn-wsgi to compare; BENCH_WORKERS), on a free loopback port
   (DEBUG=0) and the background
   worker beside it (`manage.py db_worker --no-reload --queue-name '*' --interval 0.25`, same
   environment, its own log), and waits for /healthz and for the worker;
3. logs in 2 x BENCH_CLIENTS users through the login form (editors and reviewers);
4. for each path: warms every worker, times BENCH_SOLO requests from one client (latency with
   no queue), then runs BENCH_CLIENTS clients at once, each sending its next request as soon as
   the last one answered (or BENCH_THINK seconds later, +-50%, when set), for BENCH_SECONDS or
   BENCH_MAX_REQUESTS requests, whichever first, and waits until the workers are idle again.
   The PDF export goes last, as a person gets it: export.pdf (202 and a status_url), polls of
   status_url until the job is ready, then download_url. "export.pdf (new)": BENCH_PDF_COLD_RUNS
   single requests, each right after an edit (the time from the request to having the file;
   the 1-client column), then BENCH_PDF_CLIENTS clients asking for it at the same moment right
   after an edit (all must get the file, from one rendering: PdfExport rows and the worker's
   log are counted); "export.pdf (kept)": the PDF kept for the current content (200 at once),
   measured like every other path;
5. "PDF job, 1,000 sections" (BENCH_BIG_PDF=0 skips it): the 1,000-section plan's PDF over HTTP
   while /healthz is probed every 0.1 s and the worker's processes' resident memory is read
   from /proc every 0.1 s (the worker draws the diagrams, then Typst typesets in its child);
6. stops the worker and the server (always, also on errors, Ctrl+C or SIGTERM; each in its own
   process group, so whatever they started goes too), then counts the SQL queries of one
   request per path in-process (django.test.Client + CaptureQueriesContext, same database);
7. measures pathological Markdown inputs in-process with bench/render_inputs.py's measure(),
   when that module exists;
8. prints the table, the PDF figures and the targets with PASS/FAIL.

The exit status is 0 when the run is valid, even if a target fails (it is a report); 2 when
the run is not (no server, a log-in refused, a path without a single good answer...).
Only the standard library talks HTTP (http.client, one thread per client).
"""

import argparse
import contextlib
import cProfile
import ctypes
import html
import http.client
import importlib
import io
import json
import os
import pstats
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import dataset, live_idle  # noqa: E402 - needs ROOT on sys.path


def env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


SECONDS = env_number("BENCH_SECONDS", 10)  # per path, with every client running
CLIENTS = int(env_number("BENCH_CLIENTS", 20))
MAX_REQUESTS = int(env_number("BENCH_MAX_REQUESTS", 5000))  # per path
SOLO = int(env_number("BENCH_SOLO", 30))  # one-client requests per path
PDF_COLD_RUNS = max(1, int(env_number("BENCH_PDF_COLD_RUNS", 3)))  # renderings, an edit before each
PDF_CLIENTS = int(env_number("BENCH_PDF_CLIENTS", CLIENTS))  # PDFs asked for at the same time
# Seconds between two polls of a job's status_url: one person waiting, and each of a crowd.
PDF_POLL = min(0.5, max(0.2, env_number("BENCH_PDF_POLL", 0.25)))
PDF_POLL_CROWD = 0.5
BIG_PDF = env_number("BENCH_BIG_PDF", 1) != 0  # the "PDF job, 1,000 sections" part
BIG_PDF_SECTIONS = int(env_number("BENCH_BIG_PDF_SECTIONS", 1000))
PROBE_INTERVAL = 0.1  # /healthz probes and /proc memory samples while the big PDF renders
IDLE_PROBE_SECONDS = 5.0  # /healthz probes before it is asked for (the idle baseline)
WORKERS = int(env_number("BENCH_WORKERS", 3))
THINK = env_number("BENCH_THINK", 0)  # seconds a client pauses between requests (0: none)
REQUEST_TIMEOUT = 90.0
SEARCH_WORD = os.environ.get("BENCH_SEARCH_WORD", "").strip() or "risk"  # in many sections
IDLE_CONNECTIONS = int(env_number("BENCH_IDLE_CONNECTIONS", 500))  # open plan pages (0: skip)
IDLE_SECONDS = env_number("BENCH_IDLE_SECONDS", 20)
IDLE_TARGET = 0.05  # of one core, for the open pages' sockets when nothing changes
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")  # empty: in-memory
HUGE_SECTIONS = 1000  # the one-client rows of a 1,000-section plan
HUGE_TARGET = 5.0  # its p50 within this many times the 100-section plan's
APP_MEMORY_MB = 250  # resident memory per app process after the whole run
# Issue 19: each path's req/s divided by the bare view's req/s in the same run, at least.
RATIO_TARGETS = {
    "plan page": 0.25,
    "section edit form": 0.5,
    "section save": 0.2,
    "approve": 0.2,
    "export.md": 0.3,
    "dashboard": 0.2,
    "search": 0.1,
    "notifications inbox": 0.2,
    "review page": 0.2,
}
TARGETS = {
    "plan page": 0.150,  # p95 with every client running
    "section save": 0.080,  # p95 with every client running
    # The 100-section plan's PDF in the hands of the person who asked, nothing kept: the
    # median time from the request to having the file (polling status_url every PDF_POLL s).
    # It was the time of the synchronous download; the job adds the worker's pickup (its poll
    # is 1 s) and a renderer process that starts for every PDF.
    "pdf new": 3.0,
    # A kept PDF: a download as quick as the plan page (p95 with every client running). Each
    # request renders the printable document to find its content key, then reads the row.
    "pdf kept": 0.150,
    # /healthz while the 1,000-section PDF renders: p95 (idle it answers in a few ms).
    "healthz rendering": 0.100,
}


class BenchError(Exception):
    """Something that makes the run invalid."""


# --- HTTP clients -----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float
    content_type: str


class Browser:
    """One user's cookies (session, CSRF token) and requests to the server. A new connection
    per request: gunicorn's sync workers close each one after answering."""

    def __init__(self, port: int, username: str):
        self.port = port
        self.username = username
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, fields: dict | None = None, htmx=False, accept: str = ""
    ) -> Answer:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "planhub-bench"}
        if accept:
            headers["Accept"] = accept
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if htmx:
            headers["HX-Request"] = "true"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        started = time.perf_counter()
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        content_type = response.headers.get("Content-Type", "")
        return Answer(response.status, data, seconds, content_type)

    def login(self, password: str) -> float:
        """Log in through the form, as a browser does; the POST's duration."""
        self.request("GET", "/accounts/login/")
        if "csrftoken" not in self.cookies:
            raise BenchError(f"{self.username}: the login page set no CSRF cookie")
        fields = {
            "username": self.username,
            "password": password,
            "csrfmiddlewaretoken": self.cookies["csrftoken"],
        }
        answer = self.request("POST", "/accounts/login/", fields)
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"{self.username}: log-in answered {answer.status}, no session")
        return answer.seconds


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    ok: bool
    kind: str = ""  # what went wrong, when not ok


@dataclass
class Result:
    name: str
    clients: int = 0
    samples: list[Sample] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0  # the gunicorn workers' CPU seconds during the phase
    waited: float = 0.0  # seconds the workers still worked after the clients stopped
    client_cpu: float = 0.0  # this process's CPU seconds (the load generator) in the phase
    solo: list[float] = field(default_factory=list)
    queries: int | None = None
    note: str = ""
    available: bool = True
    worker_cpu: float = 0.0  # the background worker's CPU seconds (its renderers included)
    cold: list["PdfFetch"] = field(default_factory=list)  # export.pdf (new): one at a time
    renderings: dict = field(default_factory=dict)  # export.pdf (new): what the crowd cost

    @property
    def good(self) -> list[float]:
        return sorted(s.seconds for s in self.samples if s.ok)

    @property
    def errors(self) -> int:
        return sum(not s.ok for s in self.samples)

    @property
    def error_kinds(self) -> Counter:
        return Counter(s.kind for s in self.samples if not s.ok)

    def pct(self, p: float, values: list[float] | None = None) -> float | None:
        values = sorted(self.good if values is None else values)
        if not values:
            return None
        rank = max(1, -(-len(values) * p // 100))  # nearest rank
        return values[int(rank) - 1]

    @property
    def rate(self) -> float:
        return len(self.samples) / self.wall if self.wall else 0.0


Step = Callable[[], Sample]


def timed(answer: Answer, ok: bool, kind: str = "") -> Sample:
    return Sample(answer.seconds, ok, "" if ok else (kind or f"HTTP {answer.status}"))


def run_clients(
    steps: list[Step], seconds: float, max_requests: int, think: float = 0.0
) -> tuple[list, float]:
    """Every step function in its own thread, in a closed loop, until the time or the request
    budget is spent; the samples and the wall time. With `think`, each client pauses between
    0.5 and 1.5 times that long after every answer, like a person reading."""
    samples: list[Sample] = []
    lock = threading.Lock()
    issued = 0
    start = threading.Barrier(len(steps) + 1)
    deadline = 0.0

    def loop(step: Step) -> None:
        nonlocal issued
        start.wait()
        mine = []
        if think:  # arrive spread out, not all in the first instant
            time.sleep(random.uniform(0, think))
        while time.perf_counter() < deadline:
            with lock:
                if issued >= max_requests:
                    break
                issued += 1
            began = time.perf_counter()
            try:
                sample = step()
            except StopIteration:
                with lock:
                    issued -= 1
                break
            except Exception as error:  # noqa: BLE001 - every failure is an error sample
                sample = Sample(time.perf_counter() - began, False, type(error).__name__)
            mine.append(sample)
            if think:
                time.sleep(think * random.uniform(0.5, 1.5))
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=loop, args=(step,), daemon=True) for step in steps]
    for thread in threads:
        thread.start()
    deadline = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - began


class ProcessGroup:
    """A process started in its own session (process group), its output in a log file; stop()
    ends it and everything it started, always. The process also gets SIGTERM if this one dies
    without running its finally blocks (Linux: PR_SET_PDEATHSIG)."""

    label = "process"
    error_marks = ("Traceback", '"level": "ERROR"', " ERROR ", "[CRITICAL]")

    def __init__(self, command: list[str], env: dict, log_path: Path):
        self.command = command
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_end_with_this_process,
        )

    def check_running(self) -> None:
        if self.process.poll() is not None:
            raise BenchError(f"{self.label} exited ({self.process.returncode}):\n{self.log_tail()}")

    def cpu(self) -> float:
        """CPU seconds (user + system) used so far by the process and its descendants: the
        live ones and those that ended (counted in their parents' children times)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in [self.process.pid, *descendants(self.process.pid)]:
            fields = proc_stat(pid)
            if fields:
                total += sum(int(value) for value in fields[11:15]) / tick
        return total

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_text(self, since: int = 0) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(since)
            return log.read().decode(errors="replace")

    def errors(self, limit: int = 8) -> list[str]:
        """The first lines of the log that report an error."""
        lines = self.log_text().splitlines()
        return [line[:300] for line in lines if any(m in line for m in self.error_marks)][:limit]

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self, grace: float = 20.0) -> None:
        """SIGTERM to the whole group, SIGKILL after `grace` seconds; then SIGKILL to whatever
        of the group is still there (a child its parent left behind)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


# The app servers the benchmark can run (BENCH_SERVER); production's is the default
# (docs/asgi-server.md says why).
SERVERS = {
    # The ASGI application under uvicorn alone: its own worker processes, no gunicorn.
    "uvicorn": lambda bin, port: [
        str(bin / "uvicorn"),
        "planhub.asgi:application",
        "--workers",
        str(WORKERS),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--lifespan",
        "off",
    ],
    # gunicorn managing uvicorn workers (the uvicorn-worker package; uvicorn.workers until then).
    "gunicorn-uvicorn": lambda bin, port: [
        str(bin / "gunicorn"),
        "planhub.asgi:application",
        "-k",
        UVICORN_WORKER,
        "-w",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
    ],
    # The WSGI application under gunicorn's sync workers (no WebSockets): the earlier setup.
    "gunicorn-wsgi": lambda bin, port: [
        str(bin / "gunicorn"),
        "planhub.wsgi",
        "-w",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
    ],
}
SERVER = os.environ.get("BENCH_SERVER", "").strip() or "uvicorn"
try:
    importlib.import_module("uvicorn_worker")
    UVICORN_WORKER = "uvicorn_worker.UvicornWorker"
except ImportError:
    UVICORN_WORKER = "uvicorn.workers.UvicornWorker"


class Server(ProcessGroup):
    """The app server (BENCH_SERVER: uvicorn, gunicorn-uvicorn, gunicorn-wsgi) on a free
    loopback port."""

    error_marks = (*ProcessGroup.error_marks, "WORKER TIMEOUT")

    def __init__(self, env: dict, logdir: Path):
        if SERVER not in SERVERS:
            raise BenchError(f"BENCH_SERVER={SERVER!r}: one of {', '.join(SERVERS)}")
        self.label = SERVER
        self.port = free_port()
        command = SERVERS[SERVER](Path(sys.executable).parent, self.port)
        super().__init__(command, env, logdir / "server.log")

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        probe = Browser(self.port, "-")
        while time.monotonic() < deadline:
            self.check_running()
            try:
                if probe.request("GET", "/healthz").status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise BenchError(
            f"{self.label} did not answer /healthz in {timeout:.0f} s:\n{self.log_tail()}"
        )


# The worker's log line for each PDF it rendered (planhub/exports/tasks.py).
RENDERED_LINE = re.compile(
    r"PDF export (\d+) of plan (\d+): (\d+) pages, (\d+) bytes in ([\d.]+) s, "
    r"peak memory (\d+) MB"
)


class Worker(ProcessGroup):
    """The background worker, as production runs it (docker-compose.yml's `worker`): one job
    at a time, each PDF rendered in a child process of its own."""

    label = "db_worker"

    def __init__(self, env: dict, logdir: Path):
        command = [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--queue-name",
            "*",
            "--interval",
            "0.25",
        ]
        super().__init__(command, env, logdir / "worker.log")

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until it says it started (or, with a quieter log level, has run for 10 s)."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            self.check_running()
            if "Starting worker" in self.log_text() or time.monotonic() - began > 10:
                return
            time.sleep(0.2)
        raise BenchError(f"db_worker did not start in {timeout:.0f} s:\n{self.log_tail()}")

    def renderings(self, since: int) -> tuple[list[dict], int]:
        """The PDFs its log says it rendered since the log had `since` bytes, and how many
        PDF export errors it logged."""
        done, failed = [], 0
        for line in self.log_text(since).splitlines():
            found = RENDERED_LINE.search(line)
            if found:
                export, plan, pages, size, seconds, peak = found.groups()
                done.append(
                    {
                        "export": int(export),
                        "plan": int(plan),
                        "pages": int(pages),
                        "bytes": int(size),
                        "seconds": float(seconds),
                        "peak_mb": int(peak),
                    }
                )
            elif "PDF export" in line and any(m in line for m in self.error_marks):
                failed += 1
        return done, failed


def drain(groups: list[ProcessGroup], timeout: float = 180.0) -> float:
    """Wait until the processes are idle (requests whose client gave up still run, a job may
    still render); the seconds waited."""
    began = time.monotonic()
    last = sum(group.cpu() for group in groups)
    while time.monotonic() - began < timeout:
        time.sleep(0.5)
        now = sum(group.cpu() for group in groups)
        if now - last < 0.05:
            break
        last = now
    return time.monotonic() - began


def stop_all(groups: list[ProcessGroup | None]) -> None:
    """Stop every group, even if one fails, and without being interrupted by a second Ctrl+C
    or SIGTERM meanwhile."""
    caught = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in caught}
    try:
        for group in groups:
            if group is None:
                continue
            try:
                group.stop()
            except Exception as error:  # noqa: BLE001 - stop the others all the same
                print(f"could not stop {group.label}: {error!r}", file=sys.stderr)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


try:  # PR_SET_PDEATHSIG through libc's prctl (Linux)
    _LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
except OSError:
    _LIBC = None


def _end_with_this_process() -> None:
    """In a child, before it runs its command: SIGTERM when this process ends."""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores, all processes) since boot."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state is [0], utime [11])."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    found, parents = [], [pid]
    while parents:
        for child in children(parents.pop()):
            found.append(child)
            parents.append(child)
    return found


def resident_bytes(pid: int) -> int:
    """Resident memory (RSS) of a process; 0 once it is gone."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Sampler:
    """Calls `sample()` every `interval` seconds in a thread, until stop()."""

    def __init__(self, interval: float = PROBE_INTERVAL):
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> "Sampler":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        tick = time.perf_counter()
        while not self._stop.is_set():
            self.sample()
            tick = max(tick + self.interval, time.perf_counter())
            self._stop.wait(max(0.0, tick - time.perf_counter()))

    def sample(self) -> None:
        raise NotImplementedError


class MemorySampler(Sampler):
    """Resident memory of a process and its descendants (the worker and its renderer child),
    read from /proc; when a renderer (planhub.exports.pdf_process) was running."""

    def __init__(self, pid: int, interval: float = PROBE_INTERVAL):
        super().__init__(interval)
        self.pid = pid
        self.peak_total = 0  # the process and its descendants, summed
        self.peak_renderer = 0  # the renderer child alone
        self.peak_own = 0  # the process itself
        self.rendering: list[float] = []  # when a renderer was seen (perf_counter)
        self.samples = 0

    def sample(self) -> None:
        now = time.perf_counter()
        own = resident_bytes(self.pid)
        total, renderer = own, 0
        for child in descendants(self.pid):
            rss = resident_bytes(child)
            total += rss
            if "pdf_process" in command_line(child):
                renderer = max(renderer, rss)
        if renderer:
            self.rendering.append(now)
        self.peak_total = max(self.peak_total, total)
        self.peak_renderer = max(self.peak_renderer, renderer)
        self.peak_own = max(self.peak_own, own)
        self.samples += 1


class HealthProber(Sampler):
    """GET /healthz every `interval` seconds (at once after a slow answer): when each probe
    started, how long it took, whether it answered 200."""

    def __init__(self, port: int, interval: float = PROBE_INTERVAL):
        super().__init__(interval)
        self.browser = Browser(port, "-")
        self.probes: list[tuple[float, float, bool]] = []

    def sample(self) -> None:
        began = time.perf_counter()
        try:
            ok = self.browser.request("GET", "/healthz").status == 200
        except (OSError, http.client.HTTPException):
            ok = False
        self.probes.append((began, time.perf_counter() - began, ok))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the paths --------------------------------------------------------------------------------


VERSION_INPUT = re.compile(rb'name="version" value="(\d+)"')
DATA_VERSION = re.compile(rb'data-version="(\d+)"')
HEADING_INPUT = re.compile(rb'<input[^>]*name="heading" value="([^"]*)"')
BODY_TEXTAREA = re.compile(rb'<textarea[^>]*name="body"[^>]*>\n?(.*?)</textarea>', re.DOTALL)
JSON = "application/json"
EXPORT_ID = re.compile(r"/pdf/(\d+)/")
PDF_NEW, PDF_KEPT = "export.pdf (new)", "export.pdf (kept)"
PDF_JOB = "pdf job"  # --only name of the "PDF job, 1,000 sections" part
MARKDOWN_INPUTS = "markdown inputs"  # --only name of the pathological Markdown inputs
HUGE_PART = "1000 sections"  # --only name of the one-client rows of the 1,000-section plan
IDLE_PART = "live idle"  # --only name of the open plan pages' idle WebSockets


class Unavailable(Exception):
    """A path that cannot be measured in this run (reported, the run stays valid)."""


@dataclass
class Scenario:
    """A path: who requests it and how; `step(i)` makes client i's next request."""

    name: str
    browsers: list[Browser]
    step: Callable[[int], Sample]
    prepare: Callable[[], None] = lambda: None


@dataclass
class PdfFetch:
    """One person getting a PDF: export.pdf, then its status_url until the job is ready, then
    its download_url. `sample.seconds` is the time from the request to having the file."""

    sample: Sample = field(default_factory=lambda: Sample(0.0, False))
    first_status: int = 0  # 200: a kept PDF; 202: a job
    export_id: int | None = None
    pages: int = 0
    size: int = 0
    polls: int = 0
    error: str = ""
    job: dict = field(default_factory=dict)  # the PdfExport row's timing (job_timing)


def fetch_pdf(browser: Browser, url: str, poll: float, timeout: float) -> PdfFetch:
    """`url` (export.pdf) as a program gets it (JSON): at once when kept, else after polling
    the job's status_url every `poll` seconds; never raises."""
    began = time.perf_counter()
    fetch = PdfFetch()

    def done(ok: bool, kind: str = "") -> PdfFetch:
        fetch.sample = Sample(time.perf_counter() - began, ok, "" if ok else kind)
        return fetch

    try:
        answer = browser.request("GET", url, accept=JSON)
        fetch.first_status = answer.status
        if answer.status == 200:
            fetch.size = len(answer.body)
            return done(answer.body.startswith(b"%PDF"), "200 without a PDF")
        if answer.status not in (202, 422):
            return done(False, f"HTTP {answer.status}")
        state = json.loads(answer.body)
        found = EXPORT_ID.search(state.get("status_url", ""))
        fetch.export_id = int(found.group(1)) if found else None
        while state.get("status") not in ("ready", "failed"):
            if time.perf_counter() - began > timeout:
                return done(False, "timed out")
            time.sleep(poll)
            answer = browser.request("GET", state["status_url"], accept=JSON)
            fetch.polls += 1
            if answer.status not in (200, 202, 422):
                return done(False, f"status_url HTTP {answer.status}")
            state = json.loads(answer.body)
        fetch.pages = int(state.get("pages") or 0)
        if state["status"] == "failed":
            fetch.error = state.get("error", "")
            return done(False, "job failed")
        answer = browser.request("GET", state["download_url"])
        fetch.size = len(answer.body)
        ok = answer.status == 200 and answer.body.startswith(b"%PDF")
        return done(ok, f"download HTTP {answer.status}")
    except (OSError, http.client.HTTPException, ValueError, KeyError) as error:
        return done(False, type(error).__name__)


def job_timing(export_id: int | None) -> dict:
    """How the worker did one job (its PdfExport row, read before a newer PDF of the plan
    replaces it): seconds queued, seconds rendering (claimed to kept), pages, bytes."""
    from planhub.exports.models import PdfExport

    row = (
        PdfExport.objects.filter(pk=export_id)
        .values("status", "created_at", "started_at", "finished_at", "pages", "size", "attempts")
        .first()
    )
    if row is None:
        return {}
    timing = {key: row[key] for key in ("status", "pages", "size", "attempts")}
    if row["started_at"]:
        timing["queued"] = (row["started_at"] - row["created_at"]).total_seconds()
        if row["finished_at"]:
            timing["rendering"] = (row["finished_at"] - row["started_at"]).total_seconds()
    return timing


def forget_pdfs() -> int:
    """Every PDF kept and every job left by an earlier run (an interrupted one, a profile):
    each run starts with nothing kept and nothing queued. The number of PDFs deleted."""
    from django_tasks_db.models import DBTaskResult

    from planhub.exports.models import PdfExport

    deleted, _ = PdfExport.objects.all().delete()
    DBTaskResult.objects.all().delete()
    return deleted


def pdf_rows_since(plan_id: int, after_pk: int, since) -> dict:
    """What the jobs of one plan cost since a moment: PdfExport rows created (and their
    renderings: attempts), jobs queued."""
    from django.db.models import Sum
    from django_tasks_db.models import DBTaskResult

    from planhub.exports.models import PdfExport

    rows = PdfExport.objects.filter(plan_id=plan_id, pk__gt=after_pk)
    jobs = DBTaskResult.objects.filter(
        task_path__endswith="render_pdf_export", enqueued_at__gte=since
    )
    return {
        "rows": rows.count(),
        "attempts": rows.aggregate(n=Sum("attempts"))["n"] or 0,
        "jobs": jobs.count(),
    }


def last_pdf_pk() -> int:
    from planhub.exports.models import PdfExport

    return PdfExport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


class Bench:
    def __init__(self, port: int, info: dict, editors: list[Browser], reviewers: list[Browser]):
        self.port = port
        self.info = info
        self.editors = editors
        self.reviewers = reviewers
        half = len(editors) // 2  # readers: half editors, half reviewers, alternately
        self.readers = [b for pair in zip(editors, reviewers[half:], strict=False) for b in pair]
        self.readers = self.readers[: len(editors)]
        self.plan_url = f"/p/{info['slug']}/plans/{info['plan_id']}/"
        self.own: dict[int, dict] = {}  # editor index -> its section, heading, text, version
        self.queues: dict[int, list] = {}  # reviewer index -> sections to approve
        self.counter = Counter()
        self.fetches: list[PdfFetch] = []  # export.pdf (new): each client's
        self.pdf_timeout = 2 * pdf_job_seconds() + 60

    def section_url(self, section_id: int, slug=None, plan_id=None) -> str:
        slug, plan_id = slug or self.info["slug"], plan_id or self.info["plan_id"]
        return f"/p/{slug}/plans/{plan_id}/sections/{section_id}/"

    def scenarios(self) -> list[Scenario]:
        return [
            Scenario("bare view", self.readers, self.get("/bench/bare", b"ok")),
            Scenario("plan page", self.readers, self.get(self.plan_url, b"</html>")),
            Scenario("section edit form", self.editors, self.edit_form),
            Scenario("section save", self.editors, self.save, self.prepare_saves),
            Scenario("approve", self.reviewers, self.approve, self.prepare_approvals),
            Scenario("export.md", self.readers, self.get(self.plan_url + "export.md", b"# ")),
            Scenario(PDF_NEW, self.readers, self.pdf_to_file),
            Scenario(PDF_KEPT, self.readers, self.get(self.pdf_url, b"%PDF"), self.ensure_pdf_kept),
            Scenario("dashboard", self.readers, self.get("/", b"</html>")),
            Scenario("search", self.readers, self.get(f"/search/?q={SEARCH_WORD}", b"</html>")),
            Scenario("notifications inbox", self.readers, self.get("/notifications/", b"</html>")),
            Scenario("review page", self.reviewers, self.review_page),
        ]

    def review_page(self, i: int) -> Sample:
        """Review mode of the 100-section plan, by a reviewer."""
        answer = self.reviewers[i].request("GET", self.plan_url + "review/")
        return timed(answer, answer.status == 200 and b"</html>" in answer.body[-200:], "content")

    @property
    def pdf_url(self) -> str:
        return self.plan_url + "export.pdf"

    def pdf_to_file(self, i: int, poll: float = PDF_POLL_CROWD) -> Sample:
        fetch = fetch_pdf(self.readers[i], self.pdf_url, poll, self.pdf_timeout)
        self.fetches.append(fetch)
        return fetch.sample

    def ensure_pdf_kept(self) -> None:
        """A PDF of the plan's current content is kept (made now if need be)."""
        fetch = fetch_pdf(self.readers[0], self.pdf_url, PDF_POLL, self.pdf_timeout)
        if not fetch.sample.ok:
            raise Unavailable(f"no PDF to keep ({fetch.sample.kind} {fetch.error})".strip())

    def get(self, path: str, expect: bytes) -> Callable[[int], Sample]:
        def step(i: int) -> Sample:
            answer = self.readers[i].request("GET", path)
            if answer.status != 200:
                return timed(answer, False)
            return timed(answer, expect in answer.body[:64] or expect in answer.body, "content")

        return step

    def edit_form(self, i: int) -> Sample:
        sections = self.info["section_ids"]
        self.counter[("edit", i)] += 1
        section_id = sections[(i * 5 + self.counter[("edit", i)]) % len(sections)]
        answer = self.editors[i].request("GET", self.section_url(section_id) + "edit/", htmx=True)
        ok = answer.status == 200 and VERSION_INPUT.search(answer.body) is not None
        return timed(answer, ok)

    def prepare_saves(self) -> None:
        """Each editor opens the edit form of its own section (a different one each)."""
        own = self.info["own_sections"]
        for i, browser in enumerate(self.editors):
            answer = browser.request("GET", self.section_url(own[i]) + "edit/", htmx=True)
            version, heading, text = (
                VERSION_INPUT.search(answer.body),
                HEADING_INPUT.search(answer.body),
                BODY_TEXTAREA.search(answer.body),
            )
            if answer.status != 200 or not (version and heading and text):
                raise BenchError(f"edit form of section {own[i]}: {answer.status}")
            self.own[i] = {
                "section": own[i],
                "version": int(version.group(1)),
                "heading": html.unescape(heading.group(1).decode()),
                "text": html.unescape(text.group(1).decode()),
                "saves": 0,
            }

    def save(self, i: int) -> Sample:
        """Save the editor's own section on the version it last saw; the answer tells the
        next one."""
        mine = self.own[i]
        mine["saves"] += 1
        edit = f"Bench edit {mine['saves']} by {self.editors[i].username}."
        fields = {
            "heading": mine["heading"],
            "body": f"{mine['text']}\n\n{edit}",
            "version": mine["version"],
        }
        answer = self.editors[i].request("POST", self.section_url(mine["section"]), fields, True)
        if answer.status == 200:
            found = DATA_VERSION.search(answer.body)
            if found is None:
                return timed(answer, False, "no version in the answer")
            mine["version"] = int(found.group(1))
            return timed(answer, True)
        found = VERSION_INPUT.search(answer.body)  # 409: the form carries the current version
        if found:
            mine["version"] = int(found.group(1))
        return timed(answer, False, "409 conflict" if answer.status == 409 else "")

    def change_plan(self) -> None:
        """One edit of the big plan (its PDF is then rendered anew)."""
        if not self.own:
            self.prepare_saves()
        if not self.save(0).ok:
            raise BenchError("could not edit the plan before the PDF phase")

    def prepare_approvals(self) -> None:
        """Each reviewer gets its own sections to approve at their current version (the
        100-section plan's first), none written by that reviewer and none with a placeholder
        left (the project's placeholder gate refuses those: 409)."""
        from planhub.plans.models import Section

        rows = list(
            Section.objects.filter(plan__project__slug__in=dataset.PROJECTS, placeholder_count=0)
            .order_by("-plan_id", "position")  # the 100-section plan is the newest
            .values_list("pk", "plan_id", "plan__project__slug", "version", "updated_by__username")
        )
        big = [r for r in rows if r[1] == self.info["plan_id"]]
        rows = big + [r for r in rows if r[1] != self.info["plan_id"]]
        count = len(self.reviewers)
        for i, browser in enumerate(self.reviewers):
            self.queues[i] = [r for r in rows[i::count] if r[4] != browser.username][::-1]

    def approve(self, i: int) -> Sample:
        if not self.queues[i]:
            raise StopIteration
        section_id, plan_id, slug, version, _ = self.queues[i].pop()
        url = self.section_url(section_id, slug, plan_id) + "review/"
        fields = {"decision": "approved", "version": version, "comment": ""}
        answer = self.reviewers[i].request("POST", url, fields, htmx=True)
        return timed(answer, answer.status == 200)


def measure(bench: Bench, scenario: Scenario, groups: list[ProcessGroup]) -> Result:
    """One path: a warm-up request per gunicorn worker, SOLO requests from one client, then
    every client in a closed loop for SECONDS (or MAX_REQUESTS)."""
    result = Result(scenario.name)
    try:
        scenario.prepare()
    except Unavailable as reason:
        result.available, result.note = False, f"not available: {reason}"
        return result
    step = scenario.step
    count = len(scenario.browsers)
    # Warm every worker (templates, imports): as many requests at once as there are workers.
    run_clients([lambda i=i: step(i) for i in range(WORKERS)], 3600, WORKERS)

    drain(groups)
    solo, _ = run_clients([lambda: step(0)], 3600, SOLO)
    result.solo = [s.seconds for s in solo if s.ok]

    drain(groups)
    server, worker = groups
    before, worker_before = server.cpu(), worker.cpu()
    steps = [lambda i=i: step(i) for i in range(count)]
    samples, wall = run_clients(steps, SECONDS, MAX_REQUESTS, THINK)
    result.waited = drain(groups)  # requests whose client gave up still cost CPU
    result.cpu = server.cpu() - before
    result.worker_cpu = worker.cpu() - worker_before
    result.samples, result.wall, result.clients = samples, wall, count
    return result


def measure_pdf_new(bench: Bench, scenario: Scenario, groups: list[ProcessGroup]) -> Result:
    """export.pdf with no PDF kept for the content. First PDF_COLD_RUNS times one person,
    each right after an edit, polling every PDF_POLL s: the time from the request to having
    the file (the 1-client column). Then PDF_CLIENTS people at the same moment right after an
    edit, each polling every PDF_POLL_CROWD s: all must get the file, from one rendering."""
    from django.utils import timezone

    server, worker = groups
    result = Result(scenario.name)
    for _ in range(PDF_COLD_RUNS):
        bench.change_plan()
        drain(groups)
        fetch = fetch_pdf(bench.readers[0], bench.pdf_url, PDF_POLL, bench.pdf_timeout)
        fetch.job = job_timing(fetch.export_id)
        if not fetch.sample.ok:
            result.available = False
            result.note = f"not available: {fetch.sample.kind} {fetch.error}".strip()
            return result
        result.cold.append(fetch)
    result.solo = [fetch.sample.seconds for fetch in result.cold]

    bench.change_plan()
    drain(groups)
    count = min(len(scenario.browsers), PDF_CLIENTS)
    after_pk, since, log_mark = last_pdf_pk(), timezone.now(), worker.log_size()
    before, worker_before = server.cpu(), worker.cpu()
    bench.fetches = []
    steps = [lambda i=i: scenario.step(i) for i in range(count)]
    samples, wall = run_clients(steps, 3600, count)
    result.waited = drain(groups)
    result.cpu = server.cpu() - before
    result.worker_cpu = worker.cpu() - worker_before
    result.samples, result.wall, result.clients = samples, wall, count
    rendered, failed = worker.renderings(log_mark)
    result.renderings = {
        **pdf_rows_since(bench.info["plan_id"], after_pk, since),
        "logged": len(rendered),
        "logged_failures": failed,
        "first_answers": Counter(fetch.first_status for fetch in bench.fetches),
        "got_file": sum(fetch.sample.ok for fetch in bench.fetches),
        "pages": max((fetch.pages for fetch in bench.fetches), default=0),
        "job": job_timing(next((f.export_id for f in bench.fetches if f.export_id), None)),
    }
    return result


@dataclass
class JobReport:
    """The "PDF job, 1,000 sections" part."""

    sections: int
    plan_id: int
    made: str  # how the plan came to be there
    fetch: PdfFetch | None = None
    logged: dict = field(default_factory=dict)  # the worker's log line for it
    memory: MemorySampler | None = None
    idle: list[float] = field(default_factory=list)  # /healthz seconds before the request
    busy: list[float] = field(default_factory=list)  # /healthz seconds while it rendered
    probe_errors: int = 0
    worker_cpu: float = 0.0
    budget_seconds: float = 0.0
    budget_mb: int = 0

    @property
    def within_budget(self) -> bool:
        job = self.fetch.job if self.fetch else {}
        renderer = self.memory.peak_renderer if self.memory else 0
        return (
            self.fetch is not None
            and self.fetch.sample.ok
            and job.get("rendering", float("inf")) <= self.budget_seconds
            and renderer <= self.budget_mb * 2**20
        )


@dataclass
class SoloRow:
    """One path on one plan, one client: the seconds of each request, the server's CPU."""

    seconds: list[float] = field(default_factory=list)
    errors: int = 0
    cpu: float = 0.0

    @property
    def p50(self) -> float | None:
        return Result("-").pct(50, self.seconds)

    @property
    def cpu_per_request(self) -> float | None:
        count = len(self.seconds) + self.errors
        return self.cpu / count if count else None


HUGE_PATHS = ("plan page", "section save", "export.md")


def measure_huge(
    port: int, info: dict, huge: dict, groups: list[ProcessGroup], password: str
) -> dict[str, dict[str, SoloRow]]:
    """The plan page, a section save and export.md of the 100-section plan and of the
    1,000-section one, by one client (owner01, a member of both projects), one request at a
    time: SOLO requests each after two warm-ups, and the server's CPU over them."""
    server = groups[0]
    browser = Browser(port, huge["username"])
    browser.login(password)
    own = set(info["own_sections"]) | set(info["approvable"][-2 * CLIENTS :])
    small_section = next(pk for pk in info["section_ids"][1:] if pk not in own)
    plans = {
        "100": (f"/p/{info['slug']}/plans/{info['plan_id']}/", small_section),
        f"{HUGE_SECTIONS:,}": (
            f"/p/{huge['slug']}/plans/{huge['plan_id']}/",
            huge["section_ids"][len(huge["section_ids"]) // 2],
        ),
    }
    rows: dict[str, dict[str, SoloRow]] = {path: {} for path in HUGE_PATHS}
    for size, (plan_url, section_id) in plans.items():
        section_url = f"{plan_url}sections/{section_id}/"
        form = browser.request("GET", section_url + "edit/", htmx=True)
        version, heading, text = (
            VERSION_INPUT.search(form.body),
            HEADING_INPUT.search(form.body),
            BODY_TEXTAREA.search(form.body),
        )
        if form.status != 200 or not (version and heading and text):
            raise BenchError(f"edit form of section {section_id}: {form.status}")
        mine = {
            "version": int(version.group(1)),
            "heading": html.unescape(heading.group(1).decode()),
            "text": html.unescape(text.group(1).decode()),
            "saves": 0,
        }

        def save(mine=mine, section_url=section_url) -> bool:
            mine["saves"] += 1
            fields = {
                "heading": mine["heading"],
                "body": f"{mine['text']}\n\nSolo edit {mine['saves']}.",
                "version": mine["version"],
            }
            answer = browser.request("POST", section_url, fields, True)
            found = DATA_VERSION.search(answer.body) if answer.status == 200 else None
            if found:
                mine["version"] = int(found.group(1))
            return answer.status == 200 and found is not None, answer.seconds

        def get(url: str, expect: bytes):
            def fetch():
                answer = browser.request("GET", url)
                return answer.status == 200 and expect in answer.body, answer.seconds

            return fetch

        calls = {
            "plan page": get(plan_url, b"</html>"),
            "section save": save,
            "export.md": get(plan_url + "export.md", b"# "),
        }
        for path, call in calls.items():
            row = rows[path][size] = SoloRow()
            call(), call()  # warm-up
            drain(groups)
            before = server.cpu()
            for _ in range(SOLO):
                ok, seconds = call()
                if ok:
                    row.seconds.append(seconds)
                else:
                    row.errors += 1
            row.cpu = server.cpu() - before
    return rows


def huge_lines(rows: dict[str, dict[str, SoloRow]] | None) -> list[str]:
    if not rows:
        return []
    big = f"{HUGE_SECTIONS:,}"
    out = [
        f"A plan of {big} sections beside the 100-section plan, one client (owner01), "
        f"{SOLO} requests each:",
        f"  {'path':<14} {'100: p50 ms':>12} {'CPU ms':>7} {big + ': p50 ms':>14} {'CPU ms':>7} "
        f"{'p50 x':>6} {'CPU x':>6} {'errors':>6}",
    ]
    for path, sizes in rows.items():
        small, large = sizes.get("100"), sizes.get(big)
        if small is None or large is None:
            continue
        times = large.p50 / small.p50 if small.p50 and large.p50 else None
        cpu_small, cpu_large = small.cpu_per_request, large.cpu_per_request
        cpus = cpu_large / cpu_small if cpu_small and cpu_large is not None else None
        out.append(
            f"  {path:<14} {ms1(small.p50):>12} {ms1(cpu_small):>7} {ms1(large.p50):>14} "
            f"{ms1(cpu_large):>7} {('-' if times is None else f'{times:.1f}'):>6} "
            f"{('-' if cpus is None else f'{cpus:.1f}'):>6} {small.errors + large.errors:>6}"
        )
    return out


def huge_targets(rows: dict[str, dict[str, SoloRow]] | None) -> list[tuple[str, str, str]]:
    big = f"{HUGE_SECTIONS:,}"
    out = []
    for path in HUGE_PATHS:
        label = f"{path}, {big} sections: p50 within {HUGE_TARGET:g} x 100 sections'"
        sizes = (rows or {}).get(path, {})
        small, large = sizes.get("100"), sizes.get(big)
        if small is None or large is None or not small.p50 or not large.p50:
            out.append((label, "N/A", "not measured"))
            continue
        times = large.p50 / small.p50
        verdict = "PASS" if times <= HUGE_TARGET and not large.errors else "FAIL"
        detail = f"{times:.1f} x ({ms1(large.p50)} ms vs {ms1(small.p50)} ms, 1 client)"
        out.append((label, verdict, detail))
    return out


def memory_report(server: ProcessGroup, worker: ProcessGroup) -> list[tuple[str, int, int]]:
    """(what, pid, resident bytes) of each app process (uvicorn's workers: the server's
    descendants; the server process itself when it has none, gunicorn's arbiter apart) and of
    the db_worker, read from /proc after the whole run."""
    rows = []
    app = [
        pid
        for pid in descendants(server.process.pid)
        if "resource_tracker" not in command_line(pid)
    ]
    for pid in app or [server.process.pid]:
        rows.append(("app process", pid, resident_bytes(pid)))
    if app:
        rows.append(
            (f"{server.label} supervisor", server.process.pid, resident_bytes(server.process.pid))
        )
    rows.append(("db_worker", worker.process.pid, resident_bytes(worker.process.pid)))
    for pid in descendants(worker.process.pid):
        rows.append(("db_worker child", pid, resident_bytes(pid)))
    return rows


def memory_lines(rows: list[tuple[str, int, int]]) -> list[str]:
    if not rows:
        return []
    return ["Resident memory after the whole run (/proc/<pid>/statm):"] + [
        f"  {what:<22} pid {pid:>7}  {mb(rss):>8}" for what, pid, rss in rows
    ]


def memory_targets(rows: list[tuple[str, int, int]]) -> list[tuple[str, str, str]]:
    from django.conf import settings

    if not rows:
        return [(f"each app process < {APP_MEMORY_MB} MB after the run", "N/A", "not measured")]
    app = [rss for what, _, rss in rows if what == "app process"]
    worker = [rss for what, _, rss in rows if what == "db_worker"]
    budget = settings.PDF_JOB_MEMORY_MB
    return [
        (
            f"each app process < {APP_MEMORY_MB} MB after the run",
            "PASS" if app and max(app) < APP_MEMORY_MB * 2**20 else "FAIL",
            f"{len(app)} processes, largest {mb(max(app))}" if app else "none found",
        ),
        (
            f"db_worker < its job budget ({budget:,} MB, PDF_JOB_MEMORY_MB)",
            "PASS" if worker and max(worker) < budget * 2**20 else "FAIL",
            mb(max(worker)) if worker else "not found",
        ),
    ]


def measure_pdf_job(
    port: int, plan: dict, groups: list[ProcessGroup], made: str, password: str
) -> JobReport:
    """The big plan's PDF over HTTP, nothing kept: /healthz probed every PROBE_INTERVAL s
    (IDLE_PROBE_SECONDS before the request, then until the file is there) and the worker's
    processes' resident memory sampled as often."""
    from django.conf import settings

    from planhub.exports.models import PdfExport

    server, worker = groups
    report = JobReport(
        BIG_PDF_SECTIONS,
        plan["plan_id"],
        made,
        budget_seconds=settings.PDF_JOB_SECONDS,
        budget_mb=settings.PDF_JOB_MEMORY_MB,
    )
    browser = Browser(port, plan["username"])
    browser.login(password)
    PdfExport.objects.filter(plan_id=plan["plan_id"]).delete()  # rendered anew every run
    drain(groups)
    memory = MemorySampler(worker.process.pid).start()
    prober = HealthProber(port).start()
    try:
        time.sleep(IDLE_PROBE_SECONDS)
        idle_until, log_mark, cpu_before = time.perf_counter(), worker.log_size(), worker.cpu()
        url = f"/p/{plan['slug']}/plans/{plan['plan_id']}/export.pdf"
        report.fetch = fetch_pdf(browser, url, PDF_POLL_CROWD, 2 * report.budget_seconds + 60)
    finally:
        prober.stop()
        memory.stop()
    report.fetch.job = job_timing(report.fetch.export_id)
    report.worker_cpu = worker.cpu() - cpu_before
    report.memory = memory
    rendered, _ = worker.renderings(log_mark)
    report.logged = next((r for r in rendered if r["export"] == report.fetch.export_id), {})
    first, last = (memory.rendering[0], memory.rendering[-1]) if memory.rendering else (0, 0)
    for began, seconds, ok in prober.probes:
        report.probe_errors += not ok
        if began < idle_until:
            report.idle.append(seconds)
        elif first <= began <= last:
            report.busy.append(seconds)
    return report


def render_inputs_report() -> list[str]:
    """The pathological Markdown inputs' table from bench/render_inputs.py's measure(), run
    here, in-process; one line instead when that module is not there (yet)."""
    try:
        module = importlib.import_module("bench.render_inputs")
    except ModuleNotFoundError as error:
        if error.name == "bench.render_inputs":
            return ["not measured: bench/render_inputs.py does not exist (yet)"]
        return [f"not measured: bench/render_inputs.py could not be imported ({error})"]
    except Exception as error:  # noqa: BLE001 - someone else's module, being written
        return [f"not measured: bench/render_inputs.py failed to import ({error!r})"]
    measure_inputs = getattr(module, "measure", None)
    if not callable(measure_inputs):
        return ["not measured: bench/render_inputs.py has no measure()"]
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            returned = measure_inputs()
    except Exception as error:  # noqa: BLE001 - reported, the rest of the run stands
        lines = printed.getvalue().splitlines()
        return [*lines, f"render_inputs.measure() failed: {error!r}"]
    text = printed.getvalue()
    if isinstance(returned, str) and returned.strip() and returned.strip() not in text:
        text += returned
    return text.rstrip("\n").splitlines() or ["render_inputs.measure() printed nothing"]


def pdf_job_seconds() -> float:
    from django.conf import settings

    return float(settings.PDF_JOB_SECONDS)


# --- queries per request (in-process) ---------------------------------------------------------


def count_queries(info: dict, results: dict[str, Result]) -> None:
    """One request per path through django.test.Client on the bench database, after a warm-up
    request; the number of SQL queries it ran."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from planhub.plans.models import Section

    User = get_user_model()
    editor = Client(HTTP_HOST="127.0.0.1")
    editor.force_login(User.objects.get(username="editor01"))
    reviewer = Client(HTTP_HOST="127.0.0.1")
    reviewer_user = User.objects.get(username="reviewer01")
    reviewer.force_login(reviewer_user)
    plan_url = f"/p/{info['slug']}/plans/{info['plan_id']}/"
    own = info["own_sections"][0]
    to_review = [s for s in info["approvable"] if s != own][:2]

    def save():
        section = Section.objects.get(pk=own)
        fields = {"heading": section.heading, "body": f"{section.editable_body}\n\nCounted."}
        fields["version"] = section.version
        return editor.post(f"{plan_url}sections/{own}/", fields, HTTP_HX_REQUEST="true")

    picks = iter(to_review * 2)

    def approve():
        section = Section.objects.get(pk=next(picks))
        fields = {"decision": "approved", "version": section.version, "comment": ""}
        url = f"{plan_url}sections/{section.pk}/review/"
        return reviewer.post(url, fields, HTTP_HX_REQUEST="true")

    # (path, what to do first, the request counted, the status it must answer). The kept PDF
    # before any edit; the new one right after one: the request that queues its job.
    calls = [
        ("bare view", None, lambda: editor.get("/bench/bare"), 200),
        ("plan page", None, lambda: editor.get(plan_url), 200),
        (
            "section edit form",
            None,
            lambda: editor.get(f"{plan_url}sections/{own}/edit/", HTTP_HX_REQUEST="true"),
            200,
        ),
        (PDF_KEPT, None, lambda: editor.get(plan_url + "export.pdf", HTTP_ACCEPT=JSON), 200),
        ("section save", None, save, 200),
        ("approve", None, approve, 200),
        ("export.md", None, lambda: editor.get(plan_url + "export.md"), 200),
        (PDF_NEW, save, lambda: editor.get(plan_url + "export.pdf", HTTP_ACCEPT=JSON), 202),
        ("dashboard", None, lambda: reviewer.get("/"), 200),
        ("search", None, lambda: reviewer.get(f"/search/?q={SEARCH_WORD}"), 200),
        ("notifications inbox", None, lambda: reviewer.get("/notifications/"), 200),
        ("review page", None, lambda: reviewer.get(plan_url + "review/"), 200),
    ]
    for name, first, call, status in calls:
        result = results.get(name)
        if result is None or not result.available:
            continue
        (first or call)()  # a warm-up, or what the counted request needs
        with CaptureQueriesContext(connection) as captured:
            response = call()
        if response.status_code == status:
            result.queries = len(captured.captured_queries)
    if PDF_NEW in results:
        forget_pdfs()  # the job it queued: no worker runs now


# --- the report -------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


def ratio_to_bare(result: Result, bare: Result | None) -> float | None:
    """The path's requests per second divided by the bare view's, in the same run."""
    if bare is None or not bare.rate or not result.samples or not result.good:
        return None
    return result.rate / bare.rate


def cpu_per_request(result: Result) -> float | None:
    """The server's CPU seconds per request with every client running."""
    return result.cpu / len(result.samples) if result.samples else None


def print_table(results: list[Result]) -> None:
    bare = next((r for r in results if r.name == "bare view"), None)
    head = (
        f"{'path':<20} {'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} {'x bare':>7} "
        f"{'CPU/req':>7} {'queries':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'1-client':>13}"
    )
    units = f"{'':<20} {'':>7} {'':>8} {'':>6} {'':>7} {'req/s':>7} {'ms':>7} {'/req':>7} "
    units += f"{'ms':>6} {'ms':>6} {'ms':>6} {'p50/p95 ms':>13}"
    print(head)
    print(units)
    print("-" * len(head))
    for r in results:
        if not r.available:
            print(f"{r.name:<20} {r.note}")
            continue
        ratio = ratio_to_bare(r, bare)
        solo = f"{ms(r.pct(50, r.solo))}/{ms(r.pct(95, r.solo))}"
        print(
            f"{r.name:<20} {r.clients:>7} {len(r.samples):>8} {r.errors:>6} {r.rate:>7.1f} "
            f"{('-' if ratio is None else f'{ratio:.3f}'):>7} {ms1(cpu_per_request(r)):>7} "
            f"{('-' if r.queries is None else r.queries):>7} "
            f"{ms(r.pct(50)):>6} {ms(r.pct(95)):>6} {ms(r.pct(99)):>6} {solo:>13}"
        )
    for r in results:
        if r.errors:
            kinds = ", ".join(f"{kind} x{n}" for kind, n in r.error_kinds.most_common())
            print(f"  errors on {r.name}: {kinds}")
        if r.available and r.note:
            print(f"  {r.name}: {r.note}")


def ms1(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.1f}"


def ratio_targets(results: dict[str, Result]) -> list[tuple[str, str, str]]:
    """(target, verdict, figures) of each path's req/s ratio to the bare view (issue 19)."""
    bare = results.get("bare view")
    rows = []
    for name, target in RATIO_TARGETS.items():
        r = results.get(name)
        label = f"{name}: req/s >= {target:g} x the bare view's"
        if r is None or not r.available:
            rows.append((label, "N/A", r.note if r else "not measured"))
            continue
        ratio = ratio_to_bare(r, bare)
        verdict = "PASS" if ratio is not None and ratio >= target else "FAIL"
        detail = (
            f"{'-' if ratio is None else f'{ratio:.3f}'} ({r.rate:.1f} of "
            f"{bare.rate if bare else 0:.1f} req/s; CPU {ms1(cpu_per_request(r))} ms/req)"
        )
        rows.append((label, verdict, detail))
    return rows


def seconds_list(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def mb(value: float) -> str:
    return f"{value / 2**20:,.0f} MB"


def latency(values: list[float]) -> tuple[float | None, float | None, float | None]:
    """p50, p95 and max (nearest rank) of some seconds."""
    ranked = Result("-")
    return ranked.pct(50, values), ranked.pct(95, values), max(values) if values else None


def pdf_lines(results: dict[str, Result]) -> list[str]:
    """export.pdf (new): the single requests and the crowd, in detail."""
    new = results.get(PDF_NEW)
    if new is None or not new.available:
        return []
    lines = [
        "export.pdf (new): the time from the request to having the file (export.pdf answers",
        f"  202, status_url polled every {PDF_POLL:g} s, then download_url); the worker's part",
        "  from the job's row (queued: until a worker took it; rendering: until the PDF was kept):",
    ]
    for n, fetch in enumerate(new.cold, 1):
        job = fetch.job
        lines.append(
            f"  after edit {n}: {fetch.sample.seconds:.2f} s (first answer {fetch.first_status}, "
            f"{fetch.polls} polls; queued {job.get('queued', 0):.2f} s, rendering "
            f"{job.get('rendering', 0):.2f} s; {fetch.pages} pages, {fetch.size / 1024:,.0f} KB)"
        )
    if new.cold:
        times = [fetch.sample.seconds for fetch in new.cold]
        renders = [fetch.job.get("rendering", 0.0) for fetch in new.cold]
        lines.append(
            f"  median {statistics.median(times):.2f} s to the file, "
            f"{statistics.median(renders):.2f} s rendering in the worker"
        )
    crowd = new.renderings
    if crowd:
        good = new.good
        job = crowd["job"]
        answers = ", ".join(
            f"{n} x {status}" for status, n in sorted(crowd["first_answers"].items())
        )
        lines.append(
            f"  {new.clients} clients at once right after an edit (each polling every "
            f"{PDF_POLL_CROWD:g} s): {crowd['got_file']} of {new.clients} got the file "
            f"(first answers: {answers}), p50 {new.pct(50) or 0:.2f} s, "
            f"{max(good) if good else 0:.2f} s the last; the job queued "
            f"{job.get('queued', 0):.2f} s, rendered {job.get('rendering', 0):.2f} s"
        )
        lines.append(
            f"  renderings: {crowd['attempts']} ({crowd['rows']} PdfExport row(s) created, "
            f"{crowd['jobs']} job(s) queued; the worker's log: {crowd['logged']} rendered, "
            f"{crowd['logged_failures']} failed); CPU: gunicorn {new.cpu:.1f} s, "
            f"worker {new.worker_cpu:.1f} s"
        )
    return lines


def job_lines(job: JobReport | None) -> list[str]:
    if job is None:
        return []
    title = f"PDF job, {job.sections:,} sections (plan {job.plan_id}, {job.made}):"
    fetch = job.fetch
    if fetch is None:
        return [title, "  not measured"]
    lines = [title]
    timing = fetch.job
    if fetch.sample.ok:
        lines.append(
            f"  render: {fetch.sample.seconds:.1f} s from the request to the file (queued "
            f"{timing.get('queued', 0):.1f} s, rendering {timing.get('rendering', 0):.1f} s in "
            f"the worker; the renderer process {job.logged.get('seconds', 0):.1f} s by its log), "
            f"{fetch.pages:,} pages, PDF {fetch.size / 2**20:.1f} MB; worker CPU "
            f"{job.worker_cpu:.1f} s"
        )
    else:
        lines.append(
            f"  failed after {fetch.sample.seconds:.1f} s: {fetch.sample.kind}"
            + (f": {fetch.error}" if fetch.error else "")
        )
    memory = job.memory
    if memory is not None:
        logged = f"; {job.logged['peak_mb']:,} MB by the worker's own reading" if job.logged else ""
        lines.append(
            f"  peak resident memory (/proc every {PROBE_INTERVAL:g} s, {memory.samples} samples): "
            f"{mb(memory.peak_total)} the worker and its children together, of which the "
            f"Typst child {mb(memory.peak_renderer)}{logged}; the worker alone "
            f"{mb(memory.peak_own)}"
        )
    idle, busy = latency(job.idle), latency(job.busy)
    ratios = "/".join(
        f"{b / a:.1f}" if a and b is not None else "-" for a, b in zip(idle, busy, strict=True)
    )
    lines.append(
        f"  /healthz every {PROBE_INTERVAL:g} s, p50/p95/max ms: idle {'/'.join(map(ms, idle))} "
        f"({len(job.idle)} probes), while rendering {'/'.join(map(ms, busy))} "
        f"({len(job.busy)} probes); rendering / idle {ratios}; failed probes {job.probe_errors}"
    )
    verdict = "yes" if job.within_budget else "NO"
    lines.append(
        f"  within the job budget ({job.budget_seconds:g} s, {job.budget_mb:,} MB): {verdict}"
        f" ({timing.get('rendering', 0):.1f} s, {mb(memory.peak_renderer if memory else 0)})"
    )
    return lines


def targets(results: dict[str, Result], job: JobReport | None) -> list[tuple[str, str, str]]:
    """(target, verdict, figures). Latency targets are judged on the p95 with every client
    running; the figure with one client (no queue) is shown next to it."""
    rows = []
    for name, key, label in [
        ("plan page", "plan page", "plan page (100 sections) p95 < 150 ms"),
        ("section save", "section save", "section save p95 < 80 ms"),
        (PDF_KEPT, "pdf kept", f"kept PDF p95 < {TARGETS['pdf kept'] * 1000:.0f} ms"),
    ]:
        r, limit = results.get(name), TARGETS[key]
        if r is None or not r.available:
            rows.append((label, "N/A", r.note if r else "not measured"))
            continue
        p95, solo = r.pct(95), r.pct(95, r.solo)
        verdict = "PASS" if p95 is not None and p95 < limit else "FAIL"
        alone = "pass" if solo is not None and solo < limit else "fail"
        detail = f"{ms(p95)} ms with {r.clients} clients; {ms(solo)} ms with 1 client ({alone})"
        rows.append((label, verdict, detail))

    new = results.get(PDF_NEW)
    label = f"PDF of the 100-section plan: request to file < {TARGETS['pdf new']:g} s"
    crowd = (new.clients if new else 0) or PDF_CLIENTS
    crowd_label = f"PDF asked by {crowd} at once: all get it, 1 rendering"
    if new is not None and new.available and new.cold:
        times = [fetch.sample.seconds for fetch in new.cold]
        renders = [fetch.job.get("rendering", 0.0) for fetch in new.cold]
        median = statistics.median(times)
        verdict = "PASS" if median < TARGETS["pdf new"] else "FAIL"
        detail = (
            f"median {median:.2f} s of {len(times)}, each after an edit ({seconds_list(times)} s; "
            f"rendering in the worker {seconds_list(renders)} s)"
        )
        rows.append((label, verdict, detail))
        crowd = new.renderings
        ok = crowd["got_file"] == new.clients and crowd["attempts"] == 1 and crowd["rows"] == 1
        rows.append(
            (
                crowd_label,
                "PASS" if ok else "FAIL",
                f"{crowd['got_file']} of {new.clients} got the file, {crowd['attempts']} "
                f"rendering(s), {crowd['rows']} PdfExport row(s); the last had it after "
                f"{max(new.good) if new.good else 0:.2f} s",
            )
        )
    else:
        note = (new.note if new else "") or "not measured"
        rows += [(label, "N/A", note), (crowd_label, "N/A", note)]

    if job is not None and job.fetch is not None:
        timing = job.fetch.job
        peak = job.memory.peak_renderer if job.memory else 0
        rows.append(
            (
                f"PDF job, {job.sections:,} sections, within the job budget",
                "PASS" if job.within_budget else "FAIL",
                f"{timing.get('rendering', 0):.1f} s of {job.budget_seconds:g} s, "
                f"{mb(peak)} of {job.budget_mb:,} MB, {job.fetch.pages:,} pages",
            )
        )
        idle, busy = latency(job.idle), latency(job.busy)
        limit = TARGETS["healthz rendering"]
        verdict = "PASS" if busy[1] is not None and busy[1] < limit else "FAIL"
        rows.append(
            (
                f"/healthz p95 < {limit * 1000:.0f} ms while it renders",
                verdict,
                f"p95 {ms(busy[1])} ms, max {ms(busy[2])} ms ({len(job.busy)} probes); "
                f"idle p95 {ms(idle[1])} ms",
            )
        )
    else:
        why = "not measured" if BIG_PDF else "skipped (BENCH_BIG_PDF=0)"
        rows.append((f"PDF job, {BIG_PDF_SECTIONS:,} sections, within the job budget", "N/A", why))

    measured = [r for r in results.values() if r.available and r.clients]
    errors = sum(r.errors for r in measured)
    requests = sum(len(r.samples) for r in measured)
    verdict = "PASS" if errors == 0 else "FAIL"
    rows.append(
        (
            f"no errors under {CLIENTS} concurrent clients",
            verdict,
            f"{errors} errors in {requests} requests",
        )
    )
    return rows


# --- main -------------------------------------------------------------------------------------


def bench_info() -> dict:
    """The 100-section plan and the sections the clients work on."""
    from planhub.plans.models import Plan

    plan = Plan.objects.select_related("project").get(
        project__slug=dataset.PROJECTS[0], title=dataset.BIG_TITLE
    )
    sections = list(
        plan.sections.order_by("position").values_list(
            "pk", "level", "heading", "placeholder_count"
        )
    )
    editable = [pk for pk, level, heading, _ in sections[1:] if level and heading != "Approvals"]
    step = max(1, len(editable) // CLIENTS)
    own = editable[::step][:CLIENTS]
    if len(own) < CLIENTS:
        raise BenchError(f"the plan has {len(editable)} sections for {CLIENTS} editors")
    return {
        "slug": plan.project.slug,
        "plan_id": plan.pk,
        "section_ids": [pk for pk, _, _, _ in sections],
        "own_sections": own,
        # What a reviewer may approve: no placeholder left (the project's gate refuses others).
        "approvable": [pk for pk, _, _, placeholders in sections if not placeholders],
    }


def huge_section_ids(plan_id: int) -> list[int]:
    from planhub.plans.models import Section

    return list(
        Section.objects.filter(plan_id=plan_id, level__gt=0)
        .order_by("position")
        .values_list("pk", flat=True)
    )


def measure_idle(server: "Server", browsers: list[Browser]) -> live_idle.Idle:
    """IDLE_CONNECTIONS open plan pages across the bench projects' plans (each logged-in
    browser's session in turn), IDLE_SECONDS of nothing; then the same with the pages' polls."""
    from planhub.plans.models import Plan

    plans = list(
        Plan.objects.filter(project__slug__in=dataset.PROJECTS)
        .order_by("pk")
        .values_list("project__slug", "pk")
    )
    cookies = [f"sessionid={b.cookies['sessionid']}" for b in browsers]

    def poll(n: int, plan: tuple[str, int]) -> bool:
        slug, plan_id = plan
        try:
            url = f"/p/{slug}/plans/{plan_id}/live/?pushed=1"  # as live.js while its socket is open
            answer = browsers[n % len(browsers)].request("GET", url)
        except (OSError, http.client.HTTPException):
            return False
        return answer.status == 200

    return live_idle.measure(
        server.port,
        cookies,
        plans,
        IDLE_CONNECTIONS,
        IDLE_SECONDS,
        server.cpu,
        poll=poll,
        poll_every=300.0,  # static/js/live.js PUSHED_INTERVAL
    )


def idle_targets(idle: live_idle.Idle | None) -> list[tuple[str, str, str]]:
    label = f"{IDLE_CONNECTIONS} open plan pages idle: < {IDLE_TARGET * 100:g} % of a core"
    if idle is None:
        return [(label, "N/A", "not measured")]
    ok = idle.open == idle.connections and idle.core_share < IDLE_TARGET
    detail = (
        f"{idle.core_share * 100:.1f} % ({idle.cpu:.2f} CPU s in {idle.wall:.0f} s), "
        f"{idle.open} of {idle.connections} sockets open"
    )
    return [(label, "PASS" if ok else "FAIL", detail)]


def write_json(path, results, huge_rows, idle, memory, every_target, phases) -> None:
    """The run's figures for bench/scales.py (and anyone comparing runs)."""
    bare = results.get("bare view")
    paths = {}
    for name, r in results.items():
        if not r.available:
            continue
        paths[name] = {
            "ratio": ratio_to_bare(r, bare),
            "rate": r.rate,
            "cpu_ms": None if cpu_per_request(r) is None else cpu_per_request(r) * 1000,
            "queries": r.queries,
            "p50_ms": None if r.pct(50) is None else r.pct(50) * 1000,
            "p95_ms": None if r.pct(95) is None else r.pct(95) * 1000,
            "solo_p50_ms": None if r.pct(50, r.solo) is None else r.pct(50, r.solo) * 1000,
            "errors": r.errors,
            "requests": len(r.samples),
        }
    huge = {
        path: {
            size: {"p50_ms": (row.p50 or 0) * 1000, "cpu_ms": (row.cpu_per_request or 0) * 1000}
            for size, row in sizes.items()
        }
        for path, sizes in (huge_rows or {}).items()
    }
    data = {
        "scale": dataset.SCALE,
        "paths": paths,
        "huge": huge,
        "idle": None if idle is None else {"core_share": idle.core_share, "open": idle.open},
        "memory": [{"what": w, "pid": pid, "rss": rss} for w, pid, rss in memory],
        "targets": [{"label": t, "verdict": v, "detail": d} for t, v, d in every_target],
        "phases": phases,
    }
    Path(path).write_text(json.dumps(data, indent=1))


def login_all(port: int) -> tuple[list[Browser], list[Browser], Result]:
    editors = [Browser(port, name) for name in dataset.usernames("editor")[:CLIENTS]]
    reviewers = [Browser(port, name) for name in dataset.usernames("reviewer")[:CLIENTS]]
    if len(editors) < CLIENTS or len(reviewers) < CLIENTS:
        raise BenchError(f"the data set has 20 editors and 20 reviewers, not {CLIENTS}")
    browsers = editors + reviewers
    result = Result("log-in")
    failures: list[str] = []

    def login(browser: Browser) -> Sample:
        try:
            return Sample(browser.login(dataset.BENCH_PASSWORD), True)
        except (BenchError, OSError) as error:
            failures.append(str(error))
            return Sample(0.0, False, type(error).__name__)

    queue = list(browsers)

    def step() -> Sample:
        try:
            browser = queue.pop()
        except IndexError:
            raise StopIteration from None
        return login(browser)

    result.samples, result.wall = run_clients([step] * CLIENTS, 3600, len(browsers))
    result.clients = CLIENTS
    if failures:
        raise BenchError("log-in failed: " + "; ".join(failures[:3]))
    return editors, reviewers, result


def quiet_in_process() -> None:
    """This process's own Django (data set, query counts): no request log on the console."""
    import warnings

    os.environ.update(DEBUG="0", LOG_LEVEL="WARNING", REQUEST_LOG_LEVEL="WARNING", BENCH_ROUTES="1")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)


def app_environment(database_url: str, secret_key: str, environ: dict) -> dict:
    """gunicorn's and the worker's environment."""
    env = dict(environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="planhub.settings",
        BENCH_ROUTES="1",  # /bench/bare, the baseline
        # The channel layer production runs (saves and decisions publish to it; the open
        # pages' sockets listen), under a prefix of this run's own.
        REDIS_URL=REDIS_URL,
        CHANNEL_LAYER_PREFIX=os.environ.get("CHANNEL_LAYER_PREFIX", "")
        or f"planhub-bench-{os.getpid()}",
    )
    env.pop("STATIC_MANIFEST", None)
    return env


def wanted(args, name: str) -> bool:
    """Whether --only leaves this part in ("export.pdf" stands for both of its rows)."""
    return not args.only or name in args.only or name.split(" (")[0] in args.only


def database_url_of_run() -> str:
    """BENCH_DATABASE_URL, or its _x<N> sibling at BENCH_SCALE=N (bench/dataset.py)."""
    return dataset.scaled_url(os.environ.get("BENCH_DATABASE_URL", dataset.DEFAULT_DATABASE_URL))


def run(args) -> int:
    database_url = database_url_of_run()
    environ = dict(os.environ)  # gunicorn's environment, before the in-process settings below
    secret_key = secrets.token_urlsafe(40)
    quiet_in_process()
    os.environ.update(SECRET_KEY=secret_key)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    cores = os.cpu_count()
    print(
        f"PlanHub load benchmark: {CLIENTS} clients, {SECONDS:g} s per path, "
        f"{SERVER} with {WORKERS} workers"
        + (f", {THINK:g} s think time between a client's requests" if THINK else "")
        + ", one background worker"
    )
    print(f"machine: {cores} cores, load average {os.getloadavg()[0]:.1f} at the start")
    print(f"database: {database_url} (BENCH_SCALE={dataset.SCALE})")
    print(f"channel layer: {REDIS_URL or 'in-memory (BENCH_REDIS_URL empty)'}")
    phases: dict[str, float] = {}

    started = time.perf_counter()
    counts = dataset.build(database_url, reuse=args.reuse)
    how = "reused" if counts.pop("reused") else "built"
    took = counts.pop("seconds")
    counts.pop("migrate_seconds", None)
    print(f"data set {how} in {took:.1f} s: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    phases["data set"] = time.perf_counter() - started
    info = bench_info()
    huge = None
    want_huge = wanted(args, HUGE_PART)
    if (BIG_PDF and wanted(args, PDF_JOB)) or want_huge:
        t0 = time.perf_counter()
        plan_id, made, took = dataset.huge_plan(BIG_PDF_SECTIONS if BIG_PDF else HUGE_SECTIONS)
        made = f"made in {took:.1f} s" if made else "reused"
        huge = {
            "plan_id": plan_id,
            "slug": dataset.HUGE_PROJECT,
            "username": dataset.usernames("owner")[0],
            "section_ids": huge_section_ids(plan_id),
        }
        print(f"the {HUGE_SECTIONS:,}-section plan (plan {plan_id}, owner01's): {made}")
        phases["1,000-section plan"] = time.perf_counter() - t0
    forgotten = forget_pdfs()
    print(f"PDFs kept by an earlier run: {forgotten} forgotten; no job queued")

    logdir = Path(tempfile.mkdtemp(prefix="planhub-bench-"))
    env = app_environment(database_url, secret_key, environ)
    results: dict[str, Result] = {}
    job: JobReport | None = None
    huge_rows = idle = None
    memory: list = []
    server = worker = None
    try:
        server = Server(env, logdir)
        worker = Worker(env, logdir)
        groups: list[ProcessGroup] = [server, worker]
        server.wait_ready()
        worker.wait_ready()
        print(f"{server.label}: {' '.join(server.command[1:])} (pid {server.process.pid})")
        print(f"worker: {' '.join(worker.command[1:])} (pid {worker.process.pid})")
        editors, reviewers, login_result = login_all(server.port)
        print(
            f"logged in {len(login_result.samples)} users in {login_result.wall:.1f} s "
            f"(a log-in takes {ms(login_result.pct(50))} ms: password hashing)"
        )
        bench = Bench(server.port, info, editors, reviewers)
        scenarios = bench.scenarios()
        # The PDF last: its jobs must not spill over into other paths; a kept PDF needs one.
        order = sorted(scenarios, key=lambda scenario: scenario.name.startswith("export.pdf"))
        for scenario in order:
            if not wanted(args, scenario.name) and scenario.name != "bare view":
                continue
            t0, busy0 = time.perf_counter(), machine_busy()
            cpu0, server0, worker0 = time.process_time(), server.cpu(), worker.cpu()
            measuring = measure_pdf_new if scenario.name == PDF_NEW else measure
            result = measuring(bench, scenario, groups)
            waited = result.waited
            took = time.perf_counter() - t0
            result.client_cpu = time.process_time() - cpu0
            gunicorn, background = server.cpu() - server0, worker.cpu() - worker0
            others = machine_busy() - busy0 - gunicorn - background - result.client_cpu
            results[scenario.name] = result
            phases[scenario.name] = took
            state = result.note if not result.available else f"{len(result.samples)} requests"
            state += f", then {waited:.0f} s until the workers were idle" if waited > 2 else ""
            print(
                f"  {scenario.name:<18} {state} ({took:.0f} s; cores busy: server "
                f"{gunicorn / took:.1f}, worker {background / took:.1f}, clients "
                f"{result.client_cpu / took:.1f}, PostgreSQL and everything else "
                f"{others / took:.1f})"
            )
        listed = [scenario.name for scenario in scenarios]
        results = {name: results[name] for name in listed if name in results}
        if huge is not None and BIG_PDF and wanted(args, PDF_JOB):
            t0 = time.perf_counter()
            job = measure_pdf_job(server.port, huge, groups, made, dataset.BENCH_PASSWORD)
            fetch = job.fetch
            state = f"{fetch.pages:,} pages" if fetch.sample.ok else fetch.sample.kind
            took = time.perf_counter() - t0
            print(f"  PDF job, {BIG_PDF_SECTIONS:,} sections: {state} ({took:.0f} s)")
            phases["PDF job"] = took
        elif not BIG_PDF:
            print("  PDF job, 1,000 sections: skipped (BENCH_BIG_PDF=0)")
        if huge is not None and want_huge:
            t0 = time.perf_counter()
            huge_rows = measure_huge(server.port, info, huge, groups, dataset.BENCH_PASSWORD)
            phases[HUGE_PART] = time.perf_counter() - t0
            print(f"  {HUGE_PART}: one client, 3 paths x 2 plans ({phases[HUGE_PART]:.0f} s)")
        if IDLE_CONNECTIONS and wanted(args, IDLE_PART):
            t0 = time.perf_counter()
            idle = measure_idle(server, editors + reviewers)
            phases[IDLE_PART] = time.perf_counter() - t0
            print(
                f"  {IDLE_PART}: {idle.open} of {idle.connections} sockets open, "
                f"{idle.core_share * 100:.1f} % of a core ({phases[IDLE_PART]:.0f} s)"
            )
        drain(groups)
        memory = memory_report(server, worker)
    finally:
        for group in (server, worker):
            if group is not None and group.process.poll() is not None and group.process.returncode:
                print(f"{group.label} exited early:\n{group.log_tail()}", file=sys.stderr)
        stop_all([worker, server])
    server_errors, worker_errors = server.errors(), worker.errors()
    t0 = time.perf_counter()
    count_queries(info, results)
    phases["query counts"] = time.perf_counter() - t0
    if wanted(args, MARKDOWN_INPUTS):
        markdown_inputs = render_inputs_report()
    else:
        markdown_inputs = ["skipped (--only)"]
    load = os.getloadavg()[0]

    print()
    print_table(list(results.values()))
    print(f"(load average {load:.1f} at the end; total run {time.perf_counter() - started:.0f} s)")
    print("  x bare: req/s divided by the bare view's req/s (a constant response through the")
    print("  same middleware, measured in this run). CPU/req: the server processes' CPU per")
    print("  request with every client running. 1-client: no queue.")
    print("  export.pdf (new): from the request to having the file (202, polls, download);")
    print("  1-client: one person, each time right after an edit. (kept): the PDF is kept (200).")
    print(f"{server.label} log: {server.log_path}")
    print(f"worker log: {worker.log_path}")
    for label, errors in (("server", server_errors), ("worker", worker_errors)):
        if errors:
            print(f"{label} log errors (first lines):")
            for line in errors:
                print(f"  {line}")
    for line in pdf_lines(results) + job_lines(job):
        print(line)
    for block in (huge_lines(huge_rows), live_idle.lines(idle, IDLE_TARGET), memory_lines(memory)):
        if block:
            print()
            print("\n".join(block))
    print()
    print("Pathological Markdown inputs (bench/render_inputs.py, in-process):")
    for line in markdown_inputs:
        print(f"  {line}")
    print()
    print("Phases (wall seconds): " + ", ".join(f"{k} {v:.0f}" for k, v in phases.items()))
    print()
    every_target = [
        *ratio_targets(results),
        *(huge_targets(huge_rows) if want_huge else []),
        *idle_targets(idle),
        *memory_targets(memory),
        *targets(results, job),
    ]
    print("Targets:")
    for label, verdict, detail in every_target:
        print(f"  {verdict:<4}  {label:<56} {detail}")
    if args.json:
        write_json(args.json, results, huge_rows, idle, memory, every_target, phases)

    invalid = [
        name
        for name, r in results.items()
        if r.available and not r.good and not name.startswith("export.pdf")
    ]
    if results["bare view"].errors:
        invalid.append("bare view (errors)")
    if invalid:
        print(f"INVALID RUN: no good answers from {', '.join(invalid)}", file=sys.stderr)
        return 2
    return 0


def in_process_calls(info: dict) -> dict:
    """name -> a function making one request of that path through django.test.Client on the
    bench data set (editor01 reads and edits, reviewer01 approves, reviews and reads its
    dashboard, inbox and search)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from planhub.plans.models import Section

    User = get_user_model()
    clients = {}
    for username in ("editor01", "reviewer01"):
        clients[username] = Client(HTTP_HOST="127.0.0.1")
        clients[username].force_login(User.objects.get(username=username))
    editor, reviewer = clients["editor01"], clients["reviewer01"]
    plan_url = f"/p/{info['slug']}/plans/{info['plan_id']}/"
    own = info["own_sections"][0]
    hx = {"HTTP_HX_REQUEST": "true"}

    def save():
        section = Section.objects.get(pk=own)
        body = f"{section.editable_body}\n\nProfiled {time.time()}."
        fields = {"heading": section.heading, "body": body, "version": section.version}
        return editor.post(f"{plan_url}sections/{own}/", fields, **hx)

    def approve():
        section = Section.objects.get(pk=info["approvable"][-1])
        fields = {"decision": "approved", "version": section.version}
        return reviewer.post(f"{plan_url}sections/{section.pk}/review/", fields, **hx)

    return {
        "bare": lambda: editor.get("/bench/bare"),
        "plan": lambda: editor.get(plan_url),
        "edit": lambda: editor.get(f"{plan_url}sections/{own}/edit/", **hx),
        "save": save,
        "approve": approve,
        "md": lambda: editor.get(plan_url + "export.md"),
        "pdf": lambda: editor.get(plan_url + "export.pdf"),
        "dashboard": lambda: reviewer.get("/"),
        "search": lambda: reviewer.get(f"/search/?q={SEARCH_WORD}"),
        "inbox": lambda: reviewer.get("/notifications/"),
        "review": lambda: reviewer.get(plan_url + "review/"),
        "live": lambda: editor.get(plan_url + "live/"),  # an open page's poll
    }


PROFILED = ["plan", "edit", "save", "approve", "md", "pdf", "dashboard", "search", "inbox"]
PROFILED += ["review", "live", "bare"]


def in_process_setup() -> dict:
    database_url = database_url_of_run()
    quiet_in_process()
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    dataset.build(database_url, reuse=True)
    return bench_info()


def cpu_in_process(repeat: int) -> int:
    """Every path's CPU time per request in this process (time.process_time(), after 3
    warm-ups; PostgreSQL's own CPU is not in it) and its queries, beside the bare view's,
    measured the same way: what a change to a view costs or saves, on a loaded machine."""
    info = in_process_setup()  # before any Django import: it configures the database
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    calls = in_process_calls(info)
    print(
        f"in-process CPU per request, {repeat} requests each after 3 warm-ups, "
        f"BENCH_SCALE={dataset.SCALE} ({database_url_of_run()}):"
    )
    print(f"  {'path':<10} {'status':>6} {'CPU ms':>8} {'x bare':>8} {'queries':>8}")
    bare_cpu = None
    for name in ["bare", *(n for n in PROFILED if n not in ("bare", "pdf"))]:
        call = calls[name]
        for _ in range(3):
            call()
        with CaptureQueriesContext(connection) as captured:
            status = call().status_code
        queries = len(captured.captured_queries)  # read now: each request empties the log
        began = time.process_time()
        for _ in range(repeat):
            call()
        cpu = (time.process_time() - began) / repeat
        bare_cpu = bare_cpu or cpu
        print(f"  {name:<10} {status:>6} {cpu * 1000:>8.2f} {bare_cpu / cpu:>8.3f} {queries:>8}")
    print("  x bare: the bare view's CPU per request divided by the path's (a ratio of 1 is")
    print("  the floor of the stack; the load run's req/s ratio is close to it when the server")
    print("  is what limits).")
    return 0


def profile(name: str, repeat: int) -> int:
    """cProfile `repeat` requests of one path in-process (no server), on the bench data set."""
    info = in_process_setup()  # before any Django import: it configures the database
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    calls = in_process_calls(info)
    call = calls[name]
    call()  # warm-up
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        profiler.enable()
        for _ in range(repeat):
            status = call().status_code
        profiler.disable()
        each = (time.perf_counter() - began) / repeat
    queries = captured.captured_queries
    reset_queries()
    print(f"{name}: HTTP {status}, {each * 1000:.1f} ms per request in-process (profiled)")
    print(f"{len(queries) // repeat} queries per request; the slowest:")
    for query in sorted(queries, key=lambda q: -float(q["time"]))[:8]:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:160]}")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(20)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep a complete existing data set")
    parser.add_argument(
        "--profile",
        choices=PROFILED,
        help="cProfile one path in-process instead of the load run",
    )
    parser.add_argument(
        "--repeat", type=int, help="requests to profile (10) or to time with --cpu (100)"
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="in-process CPU ms and queries per request of every path, beside the bare view's",
    )
    parser.add_argument("--json", help="also write the run's figures to this file")
    parser.add_argument(
        "--only",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=[],
        help='measure these paths only (and the bare view), e.g. "plan page,section save"',
    )
    args = parser.parse_args()

    def stop(signum, frame):
        raise SystemExit(128 + signum)  # runs the finally blocks: gunicorn is stopped

    signal.signal(signal.SIGTERM, stop)
    try:
        if args.profile:
            return profile(args.profile, args.repeat or 10)
        if args.cpu:
            return cpu_in_process(args.repeat or 100)
        return run(args)
    except BenchError as error:
        print(f"INVALID RUN: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
