"""A PDF typeset by Typst in a child process held to a time and a memory budget.

Typst compiles a 100-section plan in well under a second, but a bigger or odder document (a
huge table, a pathological diagram) may need more than a server can spare. The worker
therefore compiles each PDF in a child process that it watches: past the time budget or the
memory budget (resident memory, read from /proc every tenth of a second; the heap is also
capped at twice the budget as a backstop) the child is killed and `BudgetExceeded` says which
budget it was; the worker carries on. The child reports its phase and, at the end, the page
count on its stderr, one line at a time; a Typst error becomes `RenderFailed` with Typst's
message (never a stack trace).

Django-free (it imports typst and nothing of the app), so that the child starts in a fraction
of a second and bench/ can use it as is:

    python -m planhub.exports.pdf_process document.typ document.pdf [inputs.json]

`inputs.json` holds Typst's `sys.inputs` (the drawn diagrams, exports/typst_markup.py), an
object of strings.
"""

import gc
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLL_SECONDS = 0.1
MEMORY_ERROR_EXIT = 3
TYPST_ERROR_EXIT = 4
# Rust aborts when an allocation fails (the heap cap): "memory allocation of N bytes failed".
ALLOCATION_FAILED = "memory allocation of"
PHASES = {"typesetting": "Typesetting", "writing": "Writing the PDF"}


class BudgetExceeded(Exception):
    """The rendering needed more time or memory than a job may have."""


class RenderFailed(Exception):
    """The rendering failed: Typst's message, or the last lines the process wrote."""


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    seconds: float
    peak_memory_bytes: int
    pages: int


@dataclass
class Progress:
    """What the child last reported: its phase, the page count once known, and its errors."""

    phase: str = "starting"
    pages: int = 0
    errors: list[str] | None = None
    typst_error: list[str] | None = None

    @property
    def label(self) -> str:
        """The phase as the export page shows it ("Typesetting")."""
        return PHASES.get(self.phase, "")

    def where(self) -> str:
        return f" (stopped while {self.label.lower()})" if self.label else ""

    def read(self, stream) -> None:
        self.errors, self.typst_error = [], []
        for line in stream:
            kind, _, value = line.rstrip("\n").partition(" ")
            if kind == "pages" and value.isdecimal():
                self.pages = int(value)
            elif kind == "phase":
                self.phase = value
            elif kind == "typst-error":
                self.typst_error.append(value)
            else:
                self.errors = [*self.errors[-19:], line.rstrip("\n")]


def page_count(pdf: bytes) -> int:
    """Pages of a PDF written by Typst (its page tree's /Count; 0 when it cannot be read)."""
    for match in re.finditer(rb"<<(?:(?!>>).)*?/Type\s*/Pages\b(?:(?!>>).)*", pdf, re.DOTALL):
        count = re.search(rb"/Count\s+(\d+)", match.group(0))
        if count:
            return int(count.group(1))
    return 0


# A document that asks for PDF standards (PDF/UA-1) says so on its first line (exports/pdf.py).
STANDARDS_LINE = "// planhub:pdf-standards {}\n"
STANDARDS_PREFIX = STANDARDS_LINE.split("{")[0]


def compile_typst(source: str, inputs: Mapping[str, str] | None = None) -> bytes:
    """PDF bytes of a Typst document (no file, package or network access: the source is
    self-contained; the drawings come in `inputs`, Typst's sys.inputs). Raises typst.TypstError.
    The PDF standards on the first line are claimed when Typst's checks pass; when they do not
    (an image without alt text), the same PDF without the claim."""
    import typst

    data, inputs = source.encode("utf-8"), dict(inputs or {})
    if source.startswith(STANDARDS_PREFIX):
        standards = source[len(STANDARDS_PREFIX) : source.index("\n")].split()
        try:
            return typst.compile(data, sys_inputs=inputs, pdf_standards=standards)
        except typst.TypstError as error:
            if "PDF/UA" not in str(error):
                raise
    return typst.compile(data, sys_inputs=inputs)


def render_in_child(
    source: str,
    *,
    workdir: Path,
    seconds: float,
    memory_bytes: int,
    inputs: Mapping[str, str] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> Rendered:
    """Compile the Typst `source` to PDF in a child process; raises BudgetExceeded or
    RenderFailed."""
    document, target = workdir / "document.typ", workdir / "document.pdf"
    inputs_file = workdir / "inputs.json"
    document.write_text(source, encoding="utf-8")
    inputs_file.write_text(json.dumps(dict(inputs or {})), encoding="utf-8")
    command = [sys.executable, "-m", "planhub.exports.pdf_process"]
    process = subprocess.Popen(
        [*command, str(document), str(target), str(inputs_file)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: _limit_child(memory_bytes),
    )
    progress = Progress(phase="typesetting")  # what the child does from its start
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
            # Wake up at the end of the budget too: a child that ends between two polls after
            # its budget ran out still exceeded it.
            time.sleep(min(POLL_SECONDS, max(0.005, seconds - elapsed + 0.001)))
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        reader.join(timeout=5)
    out_of_memory = any(ALLOCATION_FAILED in line for line in progress.errors or [])
    if process.returncode == MEMORY_ERROR_EXIT or (process.returncode < 0 and out_of_memory):
        raise BudgetExceeded(
            f"Rendering ran out of the memory a PDF may use ({memory_bytes // 2**20:,} MB)."
        )
    if process.returncode == TYPST_ERROR_EXIT and progress.typst_error:
        raise RenderFailed("The PDF could not be typeset: " + "; ".join(progress.typst_error))
    if process.returncode != 0 or not target.exists():
        detail = "\n".join((progress.errors or [])[-5:]) or f"exit status {process.returncode}"
        raise RenderFailed(f"The PDF renderer failed: {detail}")
    pdf = target.read_bytes()
    pages = progress.pages or page_count(pdf)
    if on_progress and (progress.phase, pages) != reported:
        progress.pages = pages
        on_progress(progress)
    return Rendered(pdf, time.monotonic() - started, peak, pages)


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


def typst_message(error: Exception) -> list[str]:
    """Typst's message and hints, one line each, without the source excerpt (the document is
    generated: its line numbers mean nothing to the person who asked for the PDF)."""
    message = str(error.args[0] if error.args else error).strip() or "unknown error"
    hints = [f"hint: {hint}" for hint in getattr(error, "hints", None) or []]
    return [" ".join(line.split()) for line in [message, *hints]]


def main(argv: list[str]) -> int:
    import typst

    source, target, *rest = (Path(arg) for arg in argv)
    inputs = json.loads(rest[0].read_text(encoding="utf-8")) if rest else {}
    gc.disable()  # a one-shot process: its memory goes back when it exits
    print("phase typesetting", file=sys.stderr, flush=True)
    try:
        pdf = compile_typst(source.read_text(encoding="utf-8"), inputs)
    except MemoryError:
        return MEMORY_ERROR_EXIT
    except typst.TypstError as error:
        for line in typst_message(error):
            print(f"typst-error {line}", file=sys.stderr, flush=True)
        return TYPST_ERROR_EXIT
    print("phase writing", file=sys.stderr, flush=True)
    print(f"pages {page_count(pdf)}", file=sys.stderr, flush=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(pdf)
    partial.rename(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
