"""A PDF rendered by WeasyPrint in a child process held to a time and a memory budget.

WeasyPrint lays out a 1,000-section plan in about 30 s and 0.9 GB; a bigger or odder document
may need more than a server can spare. The worker therefore renders each PDF in a child
process that it watches: past the time budget or the memory budget (resident memory, read from
/proc every tenth of a second; the heap is also capped at twice the budget as a backstop) the
child is killed and `BudgetExceeded` says which budget it was; the worker carries on. The child
reports WeasyPrint's progress (the page it is laying out) on its stderr, one line at a time.

Django-free, so that the child starts in a fraction of a second and bench/ can use it as is:

    python -m planhub.exports.pdf_process document.html document.pdf
"""

import gc
import logging
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLL_SECONDS = 0.1
PAGE_PREFIX = "Step 5 - Creating layout - Page "
MEMORY_ERROR_EXIT = 3


class BudgetExceeded(Exception):
    """The rendering needed more time or memory than a job may have."""


class RenderFailed(Exception):
    """The rendering process failed (the message has the last lines it wrote)."""


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    seconds: float
    peak_memory_bytes: int
    pages: int


@dataclass
class Progress:
    """What the child last reported: its phase and the last page laid out."""

    phase: str = "starting"
    pages: int = 0
    errors: list[str] | None = None

    def where(self) -> str:
        return f" (stopped while laying out page {self.pages})" if self.pages else ""

    def read(self, stream) -> None:
        self.errors = []
        for line in stream:
            kind, _, value = line.rstrip("\n").partition(" ")
            if kind == "page" and value.isdecimal():
                # WeasyPrint lays some pages out again (page-number references), so the page
                # it reports can go back; what the reader sees only moves forward.
                self.phase, self.pages = "layout", max(self.pages, int(value))
            elif kind == "phase":
                self.phase = value
            else:
                self.errors = [*self.errors[-19:], line.rstrip("\n")]


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a self-contained HTML document (no resource is fetched but data: URLs)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from planhub.lib.gc_pause import garbage_collection_paused

    fetcher = URLFetcher(allowed_protocols={"data"})
    with garbage_collection_paused():
        return HTML(string=html, base_url="about:blank", url_fetcher=fetcher).write_pdf()


def render_in_child(
    html: str,
    *,
    workdir: Path,
    seconds: float,
    memory_bytes: int,
    on_progress: Callable[[Progress], None] | None = None,
) -> Rendered:
    """Render `html` to PDF in a child process; raises BudgetExceeded or RenderFailed."""
    source, target = workdir / "document.html", workdir / "document.pdf"
    source.write_text(html, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "planhub.exports.pdf_process", str(source), str(target)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: _limit_child(memory_bytes),
    )
    progress = Progress()
    reader = threading.Thread(target=progress.read, args=(process.stderr,), daemon=True)
    reader.start()
    started, peak, reported = time.monotonic(), 0, (None, None)
    try:
        while process.poll() is None:
            elapsed = time.monotonic() - started
            peak = max(peak, resident_bytes(process.pid))
            if elapsed > seconds:
                raise BudgetExceeded(
                    f"Rendering took longer than the {seconds:g} s a PDF may take"
                    f"{progress.where()}."
                )
            if peak > memory_bytes:
                raise BudgetExceeded(
                    f"Rendering needed more than the {memory_bytes // 2**20:,} MB of memory a "
                    f"PDF may use{progress.where()}."
                )
            if on_progress and (progress.phase, progress.pages) != reported:
                reported = (progress.phase, progress.pages)
                on_progress(progress)
            time.sleep(POLL_SECONDS)
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        reader.join(timeout=5)
    if process.returncode == MEMORY_ERROR_EXIT:
        raise BudgetExceeded(
            f"Rendering ran out of the memory a PDF may use ({memory_bytes // 2**20:,} MB)."
        )
    if process.returncode != 0 or not target.exists():
        detail = "\n".join((progress.errors or [])[-5:]) or f"exit status {process.returncode}"
        raise RenderFailed(f"The PDF renderer failed: {detail}")
    return Rendered(target.read_bytes(), time.monotonic() - started, peak, progress.pages)


def resident_bytes(pid: int) -> int:
    """Resident memory of a process (Linux /proc; 0 where it cannot be read)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_child(memory_bytes: int) -> None:
    """In the child, before it starts: a lower priority than web requests, and a hard heap cap."""
    os.nice(10)
    cap = 2 * memory_bytes
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard == resource.RLIM_INFINITY or hard > cap:
        resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))


class _ProgressLines(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(PAGE_PREFIX):
            number = message[len(PAGE_PREFIX) :].split(" ", 1)[0]
            print(f"page {number}", file=sys.stderr, flush=True)
        elif message.startswith("Step 6"):
            print("phase writing", file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    source, target = (Path(arg) for arg in argv)
    gc.disable()  # a one-shot process: its memory goes back when it exits
    progress_log = logging.getLogger("weasyprint.progress")
    progress_log.setLevel(logging.INFO)
    progress_log.addHandler(_ProgressLines())
    progress_log.propagate = False
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    try:
        pdf = html_to_pdf(source.read_text(encoding="utf-8"))
    except MemoryError:
        return MEMORY_ERROR_EXIT
    partial = target.with_suffix(".part")
    partial.write_bytes(pdf)
    partial.rename(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
