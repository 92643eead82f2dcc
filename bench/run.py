"""PlanHub load benchmark: a realistic PostgreSQL data set, the app under gunicorn, concurrent
logged-in clients on loopback, and per path: requests/s, latency percentiles, queries per
request, compared with a bare Django view measured in the same run.

    make bench                                   # or: .venv/bin/python bench/run.py
    make bench BENCH_ARGS=--reuse                # keep the data set of an earlier run
    BENCH_SECONDS=5 make bench                   # shorter phases
    .venv/bin/python bench/run.py --profile plan # cProfile one path in-process, no server

Steps:
1. builds the data set (bench/dataset.py) in its own database `planhub_bench` (dropped and
   created again, unless --reuse finds a complete one), and prints how long that took;
2. starts `gunicorn planhub.wsgi -w 3` on a free loopback port (DEBUG=0) and waits for /healthz;
3. logs in 2 x BENCH_CLIENTS users through the login form (editors and reviewers);
4. for each path: warms every worker, times BENCH_SOLO requests from one client (latency with
   no queue), then runs BENCH_CLIENTS clients at once, each sending its next request as soon as
   the last one answered (or BENCH_THINK seconds later, +-50%, when set), for BENCH_SECONDS or
   BENCH_MAX_REQUESTS requests, whichever first, and waits until the workers are idle again.
   The PDF export goes last: BENCH_PDF_COLD_RUNS renderings with nothing kept (the first on an
   empty PDF cache, each later one right after an edit; the 3 s target is judged on their
   median), BENCH_PDF_RUNS single requests (a kept PDF), then BENCH_PDF_CLIENTS clients
   asking for one PDF each at the same moment right after an edit;
   a PDF that answers 501 is reported as "not available";
5. stops gunicorn (always, also on errors or Ctrl+C), then counts the SQL queries of one
   request per path in-process (django.test.Client + CaptureQueriesContext, same database);
6. prints the table and the issue's targets with PASS/FAIL.

The exit status is 0 when the run is valid, even if a target fails (it is a report); 2 when
the run is not (no server, a log-in refused, a path without a single good answer...).
Only the standard library talks HTTP (http.client, one thread per client).
"""

import argparse
import cProfile
import html
import http.client
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

from bench import dataset  # noqa: E402 - needs ROOT on sys.path


def env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


SECONDS = env_number("BENCH_SECONDS", 10)  # per path, with every client running
CLIENTS = int(env_number("BENCH_CLIENTS", 20))
MAX_REQUESTS = int(env_number("BENCH_MAX_REQUESTS", 5000))  # per path
SOLO = int(env_number("BENCH_SOLO", 30))  # one-client requests per path
PDF_RUNS = int(env_number("BENCH_PDF_RUNS", 3))  # single PDF requests, one after the other
PDF_COLD_RUNS = max(1, int(env_number("BENCH_PDF_COLD_RUNS", 3)))  # renderings, an edit before each
PDF_CLIENTS = int(env_number("BENCH_PDF_CLIENTS", CLIENTS))  # PDFs asked for at the same time
WORKERS = int(env_number("BENCH_WORKERS", 3))
THINK = env_number("BENCH_THINK", 0)  # seconds a client pauses between requests (0: none)
REQUEST_TIMEOUT = 90.0
TARGETS = {"plan page": 0.150, "section save": 0.080, "export.pdf": 3.0}


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

    def request(self, method: str, path: str, fields: dict | None = None, htmx=False) -> Answer:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "planhub-bench"}
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
    cold: list[float] = field(default_factory=list)  # export.pdf: requests with no PDF kept

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


class Server:
    """gunicorn on a free loopback port, in its own process group; stop() always ends it."""

    def __init__(self, database_url: str, secret_key: str, environ: dict, logdir: Path):
        self.port = free_port()
        self.log_path = logdir / "gunicorn.log"
        env = dict(environ)
        env.update(
            DATABASE_URL=database_url,
            SECRET_KEY=secret_key,
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SETTINGS_MODULE="planhub.settings",
        )
        env.pop("STATIC_MANIFEST", None)
        env["PDF_CACHE_DIR"] = str(logdir / "pdf-cache")  # every run starts with no PDF kept
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.command = [
            str(gunicorn),
            "planhub.wsgi",
            "-w",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        probe = Browser(self.port, "-")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                if probe.request("GET", "/healthz").status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer /healthz in {timeout:.0f} s:\n{self.log_tail()}")

    def worker_cpu(self) -> float:
        """CPU seconds (user + system) used so far by the worker processes: the live ones and
        those that ended (a worker killed on timeout is counted in the master's children)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in children(self.process.pid):
            fields = proc_stat(pid)
            if fields:
                total += (int(fields[11]) + int(fields[12])) / tick
        master = proc_stat(self.process.pid)
        if master:
            total += (int(master[13]) + int(master[14])) / tick
        return total

    def drain(self, timeout: float = 180.0) -> float:
        """Wait until the workers are idle (requests whose client gave up still run); the
        seconds waited."""
        began = time.monotonic()
        last = self.worker_cpu()
        while time.monotonic() - began < timeout:
            time.sleep(0.5)
            now = self.worker_cpu()
            if now - last < 0.05:
                break
            last = now
        return time.monotonic() - began

    def errors(self, limit: int = 8) -> list[str]:
        """The first lines of the server log that report an error."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        marks = ("Traceback", '"level": "ERROR"', " ERROR ", "[CRITICAL]", "WORKER TIMEOUT")
        return [line[:300] for line in lines if any(m in line for m in marks)][:limit]

    def log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the paths --------------------------------------------------------------------------------


VERSION_INPUT = re.compile(rb'name="version" value="(\d+)"')
DATA_VERSION = re.compile(rb'data-version="(\d+)"')
HEADING_INPUT = re.compile(rb'<input[^>]*name="heading" value="([^"]*)"')
BODY_TEXTAREA = re.compile(rb'<textarea[^>]*name="body"[^>]*>\n?(.*?)</textarea>', re.DOTALL)


@dataclass
class Scenario:
    """A path: who requests it and how; `step(i)` makes client i's next request."""

    name: str
    browsers: list[Browser]
    step: Callable[[int], Sample]
    prepare: Callable[[], None] = lambda: None


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
            Scenario("export.pdf", self.readers, self.get(self.plan_url + "export.pdf", b"%PDF")),
            Scenario("dashboard", self.readers, self.get("/", b"</html>")),
        ]

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
        100-section plan's first), none written by that reviewer."""
        from planhub.plans.models import Section

        rows = list(
            Section.objects.filter(plan__project__slug__in=dataset.PROJECTS)
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


def measure(bench: Bench, scenario: Scenario, server: Server) -> Result:
    result = Result(scenario.name)
    scenario.prepare()
    step = scenario.step
    count = len(scenario.browsers)
    pdf = scenario.name == "export.pdf"

    if pdf:  # requests with nothing cached, each after an edit: the time a PDF takes to render
        for run in range(PDF_COLD_RUNS):
            if run:
                bench.change_plan()
            server.drain()
            cold = step(0)
            if not cold.ok:
                result.available = False
                result.note = "not available (no PDF in the answer)"
                return result
            result.cold.append(cold.seconds)
    # Warm every worker (templates, imports): as many requests at once as there are workers.
    run_clients([lambda i=i: step(i) for i in range(WORKERS)], 3600, WORKERS)

    server.drain()
    solo, _ = run_clients([lambda: step(0)], 3600, PDF_RUNS if pdf else SOLO)
    result.solo = [s.seconds for s in solo if s.ok]

    server.drain()
    before = server.worker_cpu()
    if pdf:  # right after an edit (nothing cached), every client asks for it at once
        bench.change_plan()
        server.drain()
        before = server.worker_cpu()
        count = min(count, PDF_CLIENTS)
        samples, wall = run_clients([lambda i=i: step(i) for i in range(count)], 3600, count)
    else:
        steps = [lambda i=i: step(i) for i in range(count)]
        samples, wall = run_clients(steps, SECONDS, MAX_REQUESTS, THINK)
    result.waited = server.drain()  # requests whose client gave up still cost CPU
    result.cpu = server.worker_cpu() - before
    result.samples, result.wall, result.clients = samples, wall, count
    return result


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
    to_review = [s for s in info["section_ids"] if s != own][:2]

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

    calls = {
        "bare view": lambda: editor.get("/bench/bare"),
        "plan page": lambda: editor.get(plan_url),
        "section edit form": lambda: editor.get(
            f"{plan_url}sections/{own}/edit/", HTTP_HX_REQUEST="true"
        ),
        "section save": save,
        "approve": approve,
        "export.md": lambda: editor.get(plan_url + "export.md"),
        "export.pdf": lambda: editor.get(plan_url + "export.pdf"),
        "dashboard": lambda: reviewer.get("/"),
    }
    for name, call in calls.items():
        result = results.get(name)
        if result is None or not result.available:
            continue
        if name != "export.pdf":
            call()  # warm-up
        with CaptureQueriesContext(connection) as captured:
            response = call()
        if response.status_code == 200:
            result.queries = len(captured.captured_queries)


# --- the report -------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


def print_table(results: list[Result]) -> None:
    bare = next((r for r in results if r.name == "bare view"), None)
    bare_p95 = bare.pct(95) if bare else None
    head = (
        f"{'path':<18} {'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50':>6} "
        f"{'p95':>6} {'p99':>6} {'x bare':>7} {'queries':>7} {'CPU/req':>7} {'1-client':>13}"
    )
    units = f"{'':<18} {'':>7} {'':>8} {'':>6} {'':>7} {'ms':>6} {'ms':>6} {'ms':>6} "
    units += f"{'p95':>7} {'/req':>7} {'ms':>7} {'p50/p95 ms':>13}"
    print(head)
    print(units)
    print("-" * len(head))
    for r in results:
        if not r.available:
            print(f"{r.name:<18} {r.note}")
            continue
        ratio = r.pct(95) / bare_p95 if bare_p95 and r.pct(95) else None
        cpu = r.cpu / len(r.samples) if r.samples else None
        solo = f"{ms(r.pct(50, r.solo))}/{ms(r.pct(95, r.solo))}"
        print(
            f"{r.name:<18} {r.clients:>7} {len(r.samples):>8} {r.errors:>6} {r.rate:>7.1f} "
            f"{ms(r.pct(50)):>6} {ms(r.pct(95)):>6} {ms(r.pct(99)):>6} "
            f"{('-' if ratio is None else f'{ratio:.1f}'):>7} "
            f"{('-' if r.queries is None else r.queries):>7} {ms(cpu):>7} {solo:>13}"
        )
    for r in results:
        if r.errors:
            kinds = ", ".join(f"{kind} x{n}" for kind, n in r.error_kinds.most_common())
            print(f"  errors on {r.name}: {kinds}")
        if r.available and r.note:
            print(f"  {r.name}: {r.note}")


def targets(results: dict[str, Result]) -> list[tuple[str, str, str]]:
    """(target, verdict, figures). Latency targets are judged on the p95 with every client
    running; the figure with one client (no queue) is shown next to it."""
    rows = []
    for name, label in [
        ("plan page", "plan page (100 sections) p95 < 150 ms"),
        ("section save", "section save p95 < 80 ms"),
    ]:
        r, limit = results.get(name), TARGETS[name]
        if r is None:
            rows.append((label, "N/A", "not measured"))
            continue
        p95, solo = r.pct(95), r.pct(95, r.solo)
        verdict = "PASS" if p95 is not None and p95 < limit else "FAIL"
        alone = "pass" if solo is not None and solo < limit else "fail"
        detail = f"{ms(p95)} ms with {r.clients} clients; {ms(solo)} ms with 1 client ({alone})"
        rows.append((label, verdict, detail))
    pdf = results.get("export.pdf")
    if pdf is not None and pdf.available and pdf.cold:
        median = statistics.median(pdf.cold)
        verdict = "PASS" if median < TARGETS["export.pdf"] else "FAIL"
        kept = f"{max(pdf.solo) * 1000:.0f} ms" if pdf.solo else "-"
        renders = ", ".join(f"{seconds:.2f}" for seconds in pdf.cold)
        detail = (
            f"rendered in {median:.2f} s, the median of {len(pdf.cold)} with nothing kept "
            f"({renders} s); kept: {kept} (slowest of "
            f"{len(pdf.solo)}); {pdf.clients} at once after an edit: p95 {ms(pdf.pct(95))} ms, "
            f"workers' CPU {pdf.cpu:.1f} s in all"
        )
    else:
        verdict, detail = "N/A", (pdf.note if pdf else "") or "not measured"
    rows.append(("PDF of the 100-section plan < 3 s", verdict, detail))
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
    sections = list(plan.sections.order_by("position").values_list("pk", "level", "heading"))
    editable = [pk for pk, level, heading in sections[1:] if level and heading != "Approvals"]
    step = max(1, len(editable) // CLIENTS)
    own = editable[::step][:CLIENTS]
    if len(own) < CLIENTS:
        raise BenchError(f"the plan has {len(editable)} sections for {CLIENTS} editors")
    return {
        "slug": plan.project.slug,
        "plan_id": plan.pk,
        "section_ids": [pk for pk, _, _ in sections],
        "own_sections": own,
    }


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

    os.environ.update(DEBUG="0", LOG_LEVEL="WARNING", REQUEST_LOG_LEVEL="WARNING")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)


def run(args) -> int:
    database_url = os.environ.get("BENCH_DATABASE_URL", dataset.DEFAULT_DATABASE_URL)
    environ = dict(os.environ)  # gunicorn's environment, before the in-process settings below
    secret_key = secrets.token_urlsafe(40)
    quiet_in_process()
    os.environ.update(SECRET_KEY=secret_key)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    cores = os.cpu_count()
    print(
        f"PlanHub load benchmark: {CLIENTS} clients, {SECONDS:g} s per path, gunicorn -w {WORKERS}"
        + (f", {THINK:g} s think time between a client's requests" if THINK else "")
    )
    print(f"machine: {cores} cores, load average {os.getloadavg()[0]:.1f} at the start")
    print(f"database: {database_url}")

    started = time.perf_counter()
    counts = dataset.build(database_url, reuse=args.reuse)
    how = "reused" if counts.pop("reused") else "built"
    took = counts.pop("seconds")
    counts.pop("migrate_seconds", None)
    print(f"data set {how} in {took:.1f} s: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    info = bench_info()

    logdir = Path(tempfile.mkdtemp(prefix="planhub-bench-"))
    server = Server(database_url, secret_key, environ, logdir)
    results: dict[str, Result] = {}
    try:
        server.wait_ready()
        print(f"gunicorn: {' '.join(server.command[1:])} (pid {server.process.pid})")
        editors, reviewers, login_result = login_all(server.port)
        print(
            f"logged in {len(login_result.samples)} users in {login_result.wall:.1f} s "
            f"(a log-in takes {ms(login_result.pct(50))} ms: password hashing)"
        )
        bench = Bench(server.port, info, editors, reviewers)
        scenarios = bench.scenarios()
        # The PDF last: its queue of slow requests must not spill over into other paths.
        order = sorted(scenarios, key=lambda scenario: scenario.name == "export.pdf")
        for scenario in order:
            if args.only and scenario.name not in args.only and scenario.name != "bare view":
                continue
            t0, busy0 = time.perf_counter(), machine_busy()
            cpu0, server0 = time.process_time(), server.worker_cpu()
            result = measure(bench, scenario, server)
            waited = result.waited
            took = time.perf_counter() - t0
            result.client_cpu = time.process_time() - cpu0
            gunicorn = server.worker_cpu() - server0
            others = machine_busy() - busy0 - gunicorn - result.client_cpu
            results[scenario.name] = result
            state = result.note if not result.available else f"{len(result.samples)} requests"
            state += f", then {waited:.0f} s until the workers were idle" if waited > 2 else ""
            print(
                f"  {scenario.name:<18} {state} ({took:.0f} s; cores busy: gunicorn "
                f"{gunicorn / took:.1f}, clients {result.client_cpu / took:.1f}, "
                f"PostgreSQL and everything else {others / took:.1f})"
            )
        listed = [scenario.name for scenario in scenarios]
        results = {name: results[name] for name in listed if name in results}
    finally:
        if server.process.poll() is not None and server.process.returncode:
            print(server.log_tail(), file=sys.stderr)
        server.stop()
        server_errors = server.errors()
    count_queries(info, results)
    load = os.getloadavg()[0]

    print()
    print_table(list(results.values()))
    print(f"(load average {load:.1f} at the end; total run {time.perf_counter() - started:.0f} s)")
    print("  x bare: p95 divided by the bare view's p95 (a constant response through the same")
    print("  middleware). CPU/req: gunicorn worker CPU per request. 1-client: no queue.")
    print(f"gunicorn log: {server.log_path}")
    if server_errors:
        print("server log errors (first lines):")
        for line in server_errors:
            print(f"  {line}")
    print()
    print("Targets:")
    for label, verdict, detail in targets(results):
        print(f"  {verdict:<4}  {label:<40} {detail}")

    invalid = [
        name for name, r in results.items() if r.available and not r.good and name != "export.pdf"
    ]
    if results["bare view"].errors:
        invalid.append("bare view (errors)")
    if invalid:
        print(f"INVALID RUN: no good answers from {', '.join(invalid)}", file=sys.stderr)
        return 2
    return 0


def profile(name: str, repeat: int) -> int:
    """cProfile `repeat` requests of one path in-process (no server), on the bench data set."""
    database_url = os.environ.get("BENCH_DATABASE_URL", dataset.DEFAULT_DATABASE_URL)
    quiet_in_process()
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    dataset.build(database_url, reuse=True)
    info = bench_info()
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from planhub.plans.models import Section

    client = Client(HTTP_HOST="127.0.0.1")
    user = "reviewer01" if name in ("approve", "dashboard") else "editor01"
    client.force_login(get_user_model().objects.get(username=user))
    plan_url = f"/p/{info['slug']}/plans/{info['plan_id']}/"
    own = info["own_sections"][0]
    hx = {"HTTP_HX_REQUEST": "true"}

    def save():
        section = Section.objects.get(pk=own)
        body = f"{section.editable_body}\n\nProfiled {time.time()}."
        fields = {"heading": section.heading, "body": body, "version": section.version}
        return client.post(f"{plan_url}sections/{own}/", fields, **hx)

    def approve():
        section = Section.objects.get(pk=info["section_ids"][3])
        fields = {"decision": "approved", "version": section.version}
        return client.post(f"{plan_url}sections/{section.pk}/review/", fields, **hx)

    calls = {
        "plan": lambda: client.get(plan_url),
        "edit": lambda: client.get(f"{plan_url}sections/{own}/edit/", **hx),
        "save": save,
        "approve": approve,
        "md": lambda: client.get(plan_url + "export.md"),
        "pdf": lambda: client.get(plan_url + "export.pdf"),
        "dashboard": lambda: client.get("/"),
        "bare": lambda: client.get("/bench/bare"),
    }
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
        choices=["plan", "edit", "save", "approve", "md", "pdf", "dashboard", "bare"],
        help="cProfile one path in-process instead of the load run",
    )
    parser.add_argument("--repeat", type=int, default=10, help="requests to profile")
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
            return profile(args.profile, args.repeat)
        return run(args)
    except BenchError as error:
        print(f"INVALID RUN: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
