"""The plan page's live channel when nothing changes: N open plan pages (N WebSocket connections
to /ws/plans/<id>/live/, logged in with the bench users' sessions, the Origin header a browser
sends) across the bench's plans, then BENCH_IDLE_SECONDS of nothing happening: what the server
processes spend meanwhile, in CPU seconds per wall second (a fraction of one core).

An open page also polls /live/ over HTTP, every 300 s while its socket is open (static/js/live.js,
PUSHED_INTERVAL): with `poll_every` that is done too (each connection's poll at a random moment
of the interval, then every interval), and reported apart.

bench/run.py calls measure() while its server runs (with Redis as the channel layer, as in
production); nothing here starts a server."""

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from websockets.asyncio.client import connect

CONNECT_BATCH = 50  # connections opened at once


@dataclass
class Idle:
    connections: int = 0  # asked for
    open: int = 0  # accepted and still open at the end
    refused: list[str] = field(default_factory=list)  # the first few reasons
    connect_seconds: float = 0.0
    wall: float = 0.0
    cpu: float = 0.0  # the server's CPU seconds over `wall`, sockets only
    polls: int = 0
    poll_errors: int = 0
    poll_wall: float = 0.0
    poll_cpu: float = 0.0  # the same with the pages' polls
    poll_every: float = 0.0  # seconds between two polls of one page

    @property
    def core_share(self) -> float:
        return self.cpu / self.wall if self.wall else 0.0

    @property
    def poll_core_share(self) -> float:
        return self.poll_cpu / self.poll_wall if self.poll_wall else 0.0


async def _open(url: str, origin: str, cookie: str):
    socket = await connect(
        url,
        origin=origin,
        additional_headers={"Cookie": cookie},
        compression=None,
        open_timeout=60,
        ping_interval=None,  # a browser sends no pings; the server's own keep the connection
    )
    # The consumer accepts first, then closes with a code if it refuses: wait a moment for one.
    with contextlib.suppress(TimeoutError):
        message = await asyncio.wait_for(socket.recv(), 0.05)
        raise RuntimeError(f"unexpected message {message!r}")
    return socket


async def _session(
    port: int,
    cookies: list[str],
    plans: list[tuple[str, int]],
    connections: int,
    seconds: float,
    server_cpu: Callable[[], float],
    poll: Callable[[int, tuple[str, int]], bool] | None,
    poll_every: float,
) -> Idle:
    idle = Idle(connections=connections)
    origin = f"http://127.0.0.1:{port}"
    targets = [
        (
            f"ws://127.0.0.1:{port}/ws/plans/{plans[n % len(plans)][1]}/live/",
            cookies[n % len(cookies)],
        )
        for n in range(connections)
    ]
    sockets = []
    began = time.perf_counter()
    for start in range(0, len(targets), CONNECT_BATCH):
        batch = targets[start : start + CONNECT_BATCH]
        opened = await asyncio.gather(
            *(_open(url, origin, cookie) for url, cookie in batch), return_exceptions=True
        )
        for outcome in opened:
            if isinstance(outcome, BaseException):
                if len(idle.refused) < 5:
                    idle.refused.append(repr(outcome)[:200])
            else:
                sockets.append(outcome)
    idle.connect_seconds = time.perf_counter() - began
    await asyncio.sleep(1.0)  # the last accepts' work done
    try:
        before, t0 = server_cpu(), time.perf_counter()
        await asyncio.sleep(seconds)
        idle.cpu, idle.wall = server_cpu() - before, time.perf_counter() - t0
        if poll is not None:
            idle.poll_every = poll_every
            idle.poll_cpu, idle.poll_wall = await _polling(
                idle, poll, plans, len(sockets), seconds, poll_every, server_cpu
            )
        idle.open = sum(socket.close_code is None for socket in sockets)
        closed = [f"closed by the server: {s.close_code}" for s in sockets if s.close_code]
        idle.refused += closed[: max(0, 5 - len(idle.refused))]
    finally:
        await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
    return idle


async def _polling(idle, poll, plans, pages, seconds, every, server_cpu):
    """Each open page polls its plan's /live/ every `every` s (first at a random moment)."""
    loop = asyncio.get_running_loop()
    deadline = time.perf_counter() + seconds

    async def page(n: int) -> None:
        await asyncio.sleep(min(random.uniform(0, every), max(0.0, deadline - time.perf_counter())))
        while time.perf_counter() < deadline:
            ok = await loop.run_in_executor(None, poll, n, plans[n % len(plans)])
            idle.polls += 1
            idle.poll_errors += not ok
            await asyncio.sleep(min(every, max(0.0, deadline - time.perf_counter())))

    before, t0 = server_cpu(), time.perf_counter()
    await asyncio.gather(*(page(n) for n in range(pages)))
    return server_cpu() - before, time.perf_counter() - t0


def measure(
    port: int,
    cookies: list[str],
    plans: list[tuple[str, int]],
    connections: int,
    seconds: float,
    server_cpu: Callable[[], float],
    poll: Callable[[int, tuple[str, int]], bool] | None = None,
    poll_every: float = 300.0,
) -> Idle:
    return asyncio.run(
        _session(port, cookies, plans, connections, seconds, server_cpu, poll, poll_every)
    )


def lines(idle: Idle | None, target: float) -> list[str]:
    if idle is None:
        return []
    out = [
        f"Live channel, {idle.connections} open plan pages (WebSockets on /ws/plans/<id>/live/):",
        f"  {idle.open} of {idle.connections} open at the end (opened in "
        f"{idle.connect_seconds:.1f} s); {idle.wall:.0f} s with nothing changing: the server "
        f"used {idle.cpu:.2f} CPU s = {idle.core_share * 100:.1f} % of one core "
        f"(target < {target * 100:g} %)",
    ]
    if idle.refused:
        out.append(f"  refused or failed: {'; '.join(idle.refused)}")
    if idle.poll_wall:
        out.append(
            f"  with each page's poll of /live/ every {idle.poll_every:g} s as well: "
            f"{idle.polls} polls "
            f"({idle.poll_errors} failed), {idle.poll_core_share * 100:.1f} % of one core"
        )
    return out
