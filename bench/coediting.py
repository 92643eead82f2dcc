"""Co-editing benchmark: editors typing into shared drafts over the draft WebSocket, against
the production server (bench/run.py's BENCH_SERVER, uvicorn by default) on the bench database
(PostgreSQL) with Redis as the channel layer.

    make bench-coediting                       # or: .venv/bin/python bench/coediting.py
    BENCH_COEDIT_SECONDS=10 make bench-coediting
    .venv/bin/python bench/coediting.py --only "20 editors"

Scenarios (each on sections of its own; drafts left by an earlier run are deleted first):
- "20 editors": 20 people in one section, each typing 5 characters a second at the end of a
  line of their own, for BENCH_COEDIT_SECONDS (30);
- "50 editors": the same with 50 people;
- "200 drafts": 200 sections open at once, one or two people in each (300 connections), each
  typing a character every 5 s.

Figures: edit-to-peer latency (from a keystroke in one client to its arrival in each peer's
copy), insert-to-ACK latency (stored in the database), lost characters (every keystroke must be
in every peer's copy, in the draft the database holds, and in the section after publishing it
through the section's form), the server's CPU (its processes' CPU seconds per wall second while
typing) and resident memory (RSS) per open draft, and this process's own CPU (the clients share
the machine with the server). Results are printed and written as JSON beside the server log.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import dataset  # noqa: E402 - needs ROOT on sys.path
from bench import run as pages  # noqa: E402
from bench.coedit_client import Editor, keystrokes, lost_in, settle  # noqa: E402

SECONDS = pages.env_number("BENCH_COEDIT_SECONDS", 30)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
USERS = 50  # coedit01 … coedit50, editors of the bench project
CONNECT_BATCH = 25  # connections opened at once


@dataclass
class Scenario:
    name: str
    drafts: int
    editors: list[int]  # editors in each draft, cycled over the drafts
    per_second: float  # keystrokes per second per editor


SCENARIOS = [
    Scenario("20 editors", 1, [20], 5.0),
    Scenario("50 editors", 1, [50], 5.0),
    Scenario("200 drafts", 200, [1, 2], 0.2),
]


@dataclass
class Seat:
    """One connection to open: who, on which draft, and the line they type into."""

    section_id: int
    draft_id: int
    cookie: str
    marker: str


@dataclass
class Figures:
    scenario: str
    drafts: int
    connections: int
    connected: int = 0
    keystrokes: int = 0
    seconds: float = 0.0
    latency_ms: dict = field(default_factory=dict)  # edit to peer: p50, p95, p99, max, count
    ack_ms: dict = field(default_factory=dict)  # insert to ACK
    lost_peers: int | None = None  # characters missing, summed over every peer's copy
    lost_database: int | None = None  # in the drafts the database holds
    lost_published: int | None = None  # in the sections after publishing
    settled: bool = False  # every keystroke acknowledged and in every copy
    server_cores: float = 0.0  # server CPU seconds per wall second while typing
    server_rss_mb: float = 0.0  # with the drafts open
    idle_rss_mb: float = 0.0  # before connecting
    rss_per_draft_kb: float = 0.0
    cpu_ms_per_draft_second: float = 0.0
    client_cores: float = 0.0
    closed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def percentiles(values: list[float]) -> dict:
    """p50, p95, p99 and max in milliseconds (nearest rank), and how many."""
    if not values:
        return {"count": 0}
    ranked = sorted(values)

    def at(p: float) -> float:
        rank = max(1, -(-len(ranked) * p // 100))
        return round(ranked[int(rank) - 1] * 1000, 1)

    top = round(ranked[-1] * 1000, 1)
    return {"p50": at(50), "p95": at(95), "p99": at(99), "max": top, "count": len(ranked)}


# --- the run, in the event loop ---------------------------------------------------------------


async def drive(
    seats: list[Seat], port: int, seconds: float, per_second: float, settle_timeout: float = 60
) -> tuple[dict[int, list[Editor]], Figures, float]:
    """Connect every seat, type for `seconds`, wait until everything is stored and everywhere;
    the editors by draft, the figures measured here, and the typing phase's start (perf
    counter) so that the caller can read the server's CPU over the same span."""
    typed_by: dict = {}
    origin = f"http://127.0.0.1:{port}"
    editors = [
        Editor(
            f"ws://127.0.0.1:{port}/ws/sections/{seat.section_id}/draft/?draft={seat.draft_id}",
            origin,
            seat.cookie,
            seat.marker,
            typed_by,
        )
        for seat in seats
    ]
    figures = Figures("", len({s.draft_id for s in seats}), len(seats))
    for start in range(0, len(editors), CONNECT_BATCH):
        batch = editors[start : start + CONNECT_BATCH]
        outcomes = await asyncio.gather(*(e.connect() for e in batch), return_exceptions=True)
        figures.errors += [f"connect: {o!r}" for o in outcomes if isinstance(o, BaseException)]
    live = [e for e in editors if e.websocket is not None]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(e.synced.wait() for e in live)), 30)
    ready = [e for e in live if e.synced.is_set() and not e.outcome.closed]
    figures.connected = len(ready)
    await close_all([e for e in live if e not in ready])
    groups: dict[int, list[Editor]] = {}
    for seat, editor in zip(seats, editors, strict=True):
        if editor in ready:
            groups.setdefault(seat.draft_id, []).append(editor)
    for editor in ready:
        await editor.start_line()
    await asyncio.gather(*(settle(group, settle_timeout) for group in groups.values()))

    began = time.perf_counter()
    deadline = began + seconds

    async def typist(editor: Editor, index: int) -> None:
        text = keystrokes(seconds, per_second, index)
        interval = 1 / per_second
        tick = began + random.uniform(0, interval)
        for character in text:
            if tick >= deadline or editor.outcome.closed:
                break
            await asyncio.sleep(max(0.0, tick - time.perf_counter()))
            await editor.type(character)
            tick += interval

    await asyncio.gather(*(typist(e, i) for i, e in enumerate(ready)))
    figures.seconds = time.perf_counter() - began
    settled = await asyncio.gather(*(settle(group, settle_timeout) for group in groups.values()))
    figures.settled = all(settled)
    figures.keystrokes = sum(len(e.typed.text) for e in editors)
    figures.latency_ms = percentiles([x for e in editors for x in e.outcome.latencies])
    figures.ack_ms = percentiles([x for e in editors for x in e.outcome.ack_latencies])
    figures.lost_peers = sum(
        lost_in(str(peer.body), [e for e in group if e.typed.text])
        for group in groups.values()
        for peer in group
    )
    figures.closed = sorted({e.outcome.closed for e in editors if e.outcome.closed})
    figures.errors += sorted({x for e in editors for x in e.outcome.errors})[:5]
    return groups, figures, began


async def close_all(editors: list[Editor]) -> None:
    await asyncio.gather(*(e.close() for e in editors), return_exceptions=True)


# --- the data: users, sessions, drafts (in-process, on the bench database) --------------------


def bench_users() -> list:
    """coedit01 … coedit50, editors of the bench project (made once)."""
    from django.contrib.auth import get_user_model

    from planhub.projects.models import Membership, Project

    project = Project.objects.get(slug=dataset.PROJECTS[0])
    users = []
    for n in range(1, USERS + 1):
        user, made = get_user_model().objects.get_or_create(username=f"coedit{n:02d}")
        if made:
            user.set_password(dataset.BENCH_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(project=project, user=user, defaults={"role": "editor"})
        users.append(user)
    return users


def session_cookie(user) -> str:
    """A session for `user`, as logging in makes one, and the Cookie header carrying it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def scenario_sections(taken: set[int], count: int, big_plan: bool) -> list[int]:
    """Sections nobody else in this run uses: the 100-section plan's for one-section scenarios
    (what the page benchmark edits is spread over it; these are its last ones), other plans'
    for many drafts."""
    from planhub.plans.models import Section

    sections = Section.objects.filter(plan__project__slug=dataset.PROJECTS[0], level__gt=0)
    if big_plan:
        sections = sections.filter(plan__title=dataset.BIG_TITLE).order_by("-position")
    else:
        sections = sections.exclude(plan__title=dataset.BIG_TITLE).order_by("plan_id", "position")
    chosen = [pk for pk in sections.values_list("pk", flat=True)[: count + len(taken)]]
    chosen = [pk for pk in chosen if pk not in taken][:count]
    taken.update(chosen)
    return chosen


def fresh_drafts(section_ids: list[int]) -> dict[int, int]:
    """Each section's draft, made anew (a draft an earlier run left would hold its text)."""
    from planhub.coediting.drafts import open_draft
    from planhub.coediting.models import Draft
    from planhub.plans.models import Section

    Draft.objects.filter(section_id__in=section_ids).delete()
    sections = Section.objects.in_bulk(section_ids)
    return {pk: open_draft(sections[pk]).pk for pk in section_ids}


def seats_for(scenario: Scenario, drafts: dict[int, int], cookies: list[str], run: str) -> list:
    seats, person = [], 0
    for n, (section_id, draft_id) in enumerate(drafts.items()):
        for _ in range(scenario.editors[n % len(scenario.editors)]):
            marker = f"@{run}-{len(seats):03d}: "
            seats.append(Seat(section_id, draft_id, cookies[person % len(cookies)], marker))
            person += 1
    return seats


def lost_in_database(groups: dict[int, list[Editor]]) -> int:
    from planhub.coediting.drafts import doc_text, load_doc
    from planhub.coediting.models import Draft

    lost = 0
    drafts = Draft.objects.in_bulk(list(groups))
    for draft_id, editors in groups.items():
        draft = drafts.get(draft_id)
        body = doc_text(load_doc(draft))[1] if draft else ""
        lost += lost_in(body, editors)
    return lost


def publish_all(port: int, seats: list[Seat], groups: dict[int, list[Editor]]) -> tuple[int, list]:
    """Publish each draft through the section's form (fields heading, body, version, draft), as
    the browser does once nothing is pending; the characters missing from the sections after."""
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    from planhub.plans.models import Section

    problems = []
    by_draft = {seat.draft_id: seat for seat in seats}
    sections = Section.objects.select_related("plan__project").in_bulk(
        [seat.section_id for seat in by_draft.values()]
    )
    token = get_token(RequestFactory().get("/"))
    for draft_id, editors in groups.items():
        seat = by_draft[draft_id]
        section = sections[seat.section_id]
        browser = pages.Browser(port, "coedit")
        name, value = seat.cookie.split("=", 1)
        browser.cookies = {name: value, "csrftoken": token}
        text = str(editors[0].body)
        url = f"/p/{section.plan.project.slug}/plans/{section.plan_id}/sections/{section.pk}/"
        fields = {
            "heading": str(editors[0].heading) or section.heading,
            "body": text,
            "version": section.version,
            "draft": draft_id,
        }
        answer = browser.request("POST", url, fields)
        if answer.status not in (200, 302, 303):
            problems.append(f"publish {url}: HTTP {answer.status}")
    lost = 0
    for draft_id, editors in groups.items():
        section = Section.objects.get(pk=by_draft[draft_id].section_id)
        lost += lost_in(section.editable_body, editors)
    return lost, problems[:5]


# --- the server -------------------------------------------------------------------------------


def server_rss(server: pages.ProcessGroup) -> int:
    pids = [server.process.pid, *pages.descendants(server.process.pid)]
    return sum(pages.resident_bytes(pid) for pid in pids)


def measure(scenario: Scenario, server, cookies: list[str], taken: set[int]) -> Figures:
    run = secrets.token_hex(2)
    sections = scenario_sections(taken, scenario.drafts, big_plan=scenario.drafts == 1)
    drafts = fresh_drafts(sections)
    seats = seats_for(scenario, drafts, cookies, run)
    idle_rss = server_rss(server)
    marks: dict = {}

    async def session() -> tuple[dict, Figures]:
        groups, figures, began = await drive(seats, server.port, SECONDS, scenario.per_second)
        # the CPU and memory while the drafts are open (settling included: it is the typing's)
        marks["cpu"], marks["wall"] = server.cpu(), time.perf_counter() - began
        marks["rss"] = server_rss(server)
        await close_all([e for group in groups.values() for e in group])
        return groups, figures

    cpu0, client0 = server.cpu(), time.process_time()
    began = time.perf_counter()
    groups, figures = asyncio.run(session())
    figures.client_cores = (time.process_time() - client0) / (time.perf_counter() - began)
    figures.scenario = scenario.name
    # the CPU of connecting is in cpu0..cpu: a fair share of an open draft's cost
    figures.server_cores = (marks["cpu"] - cpu0) / (time.perf_counter() - began)
    figures.idle_rss_mb = idle_rss / 2**20
    figures.server_rss_mb = marks["rss"] / 2**20
    figures.rss_per_draft_kb = (marks["rss"] - idle_rss) / 1024 / max(1, figures.drafts)
    figures.cpu_ms_per_draft_second = figures.server_cores * 1000 / max(1, figures.drafts)
    figures.lost_database = lost_in_database(groups)
    figures.lost_published, problems = publish_all(server.port, seats, groups)
    figures.errors += problems
    return figures


def warm_up(server, cookies: list[str], taken: set[int]) -> None:
    """A few editors in a draft of their own for a second, not reported: every worker process
    imports what co-editing needs (tens of MB) before the memory per draft is measured."""
    scenario = Scenario("warm-up", 1, [4 * pages.WORKERS], 2.0)
    drafts = fresh_drafts(scenario_sections(taken, 1, big_plan=False))
    seats = seats_for(scenario, drafts, cookies, "warm")

    async def session() -> None:
        groups, _, _ = await drive(seats, server.port, 1.0, scenario.per_second, 20)
        await close_all([e for group in groups.values() for e in group])

    asyncio.run(session())


def print_table(results: list[Figures]) -> None:
    head = (
        f"{'scenario':<12} {'drafts':>6} {'conns':>5} {'keys':>6} {'p50':>6} {'p95':>6} "
        f"{'p99':>6} {'ack p95':>7} {'lost':>11} {'cores':>5} {'RSS':>6} {'RSS/draft':>9} "
        f"{'CPU/draft':>9} {'clients':>7}"
    )
    print(head)
    units = f"{'':<12} {'':>6} {'':>5} {'':>6} {'ms':>6} {'ms':>6} {'ms':>6} {'ms':>7} "
    units += f"{'peer/db/pub':>11} {'':>5} {'MB':>6} {'KB':>9} {'ms/s':>9} {'cores':>7}"
    print(units)
    print("-" * len(head))
    for f in results:
        lat = f.latency_ms
        lost = f"{f.lost_peers}/{f.lost_database}/{f.lost_published}"
        print(
            f"{f.scenario:<12} {f.drafts:>6} {f.connected:>5} {f.keystrokes:>6} "
            f"{lat.get('p50', '-'):>6} {lat.get('p95', '-'):>6} {lat.get('p99', '-'):>6} "
            f"{f.ack_ms.get('p95', '-'):>7} {lost:>11} {f.server_cores:>5.2f} "
            f"{f.server_rss_mb:>6.0f} {f.rss_per_draft_kb:>9.0f} "
            f"{f.cpu_ms_per_draft_second:>9.1f} {f.client_cores:>7.2f}"
        )
    for f in results:
        if not f.settled:
            print(f"  {f.scenario}: NOT SETTLED (keystrokes unacknowledged or missing in a copy)")
        if f.connected < f.connections:
            print(f"  {f.scenario}: {f.connected} of {f.connections} connections synced")
        for line in f.closed + f.errors:
            print(f"  {f.scenario}: {line[:300]}")


def valid(results: list[Figures]) -> bool:
    return all(
        f.settled and f.connected == f.connections and f.lost_peers == 0 and f.lost_database == 0
        and f.lost_published == 0
        for f in results
    )  # fmt: skip


def run(args) -> int:
    database_url = os.environ.get("BENCH_DATABASE_URL", dataset.DEFAULT_DATABASE_URL)
    environ = dict(os.environ)
    secret_key = secrets.token_urlsafe(40)
    pages.quiet_in_process()
    os.environ.update(SECRET_KEY=secret_key)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    scenarios = [s for s in SCENARIOS if not args.only or s.name in args.only]
    print(
        f"PlanHub co-editing benchmark: {', '.join(s.name for s in scenarios)}; "
        f"{SECONDS:g} s of typing each; {pages.SERVER} with {pages.WORKERS} workers; "
        f"Redis {REDIS_URL}; load average {os.getloadavg()[0]:.1f} at the start"
    )
    counts = dataset.build(database_url, reuse=True)
    print(f"data set {'reused' if counts.get('reused') else 'built'}: {database_url}")
    users = bench_users()
    cookies = [session_cookie(user) for user in users]
    logdir = Path(tempfile.mkdtemp(prefix="planhub-bench-coediting-"))
    env = pages.app_environment(database_url, secret_key, environ)
    env.update(REDIS_URL=REDIS_URL, CHANNEL_LAYER_PREFIX=f"bench-coedit-{os.getpid()}")
    results: list[Figures] = []
    server = None
    try:
        server = pages.Server(env, logdir)
        server.wait_ready()
        print(f"{server.label}: {' '.join(server.command[1:])} (pid {server.process.pid})")
        taken: set[int] = set()
        warm_up(server, cookies, taken)
        for scenario in scenarios:
            began = time.perf_counter()
            figures = measure(scenario, server, cookies, taken)
            results.append(figures)
            print(f"  {scenario.name}: done in {time.perf_counter() - began:.0f} s")
    finally:
        pages.stop_all([server])
    print()
    print_table(results)
    print(f"(load average {os.getloadavg()[0]:.1f} at the end)")
    print("  p50/p95/p99: edit-to-peer latency; ack: insert to stored; lost: characters missing")
    print("  in peers' copies / the database's drafts / the published sections; cores: server")
    print("  CPU s per wall s; RSS/draft: server memory with the drafts open minus before, per")
    print("  draft; CPU/draft: server CPU ms per second per open draft; clients: this process.")
    report = logdir / "coediting.json"
    report.write_text(json.dumps([asdict(f) for f in results], indent=2))
    print(f"results: {report}; server log: {server.log_path if server else '-'}")
    errors = server.errors() if server else []
    for line in errors:
        print(f"  server log: {line}")
    if not valid(results):
        print("INVALID RUN: a connection failed, or a keystroke was lost", file=sys.stderr)
        return 2
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=[],
        help='these scenarios only, e.g. "20 editors,200 drafts"',
    )
    args = parser.parse_args()

    def stop(signum, frame):
        raise SystemExit(128 + signum)  # runs the finally blocks: the server is stopped

    signal.signal(signal.SIGTERM, stop)
    try:
        return run(args)
    except pages.BenchError as error:
        print(f"INVALID RUN: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
