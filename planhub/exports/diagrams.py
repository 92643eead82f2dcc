"""Mermaid diagrams drawn as SVG for the PDF, by headless Chromium in the worker, kept by source.

`diagrams_for(sources)` answers from what is kept (one query); `draw_missing(sources)` draws the
others (only the worker and export_plan call it: it launches a browser, once per batch and only
when something is missing).

Drawing: Debian's Chromium driven by Playwright's sync API, on a blank page that may fetch
nothing (every request is aborted); the vendored mermaid is inlined. Mermaid is told to write
plain SVG `<text>` labels (no `<foreignObject>`: Typst's SVG support cannot draw HTML) in fonts
the system has. Each diagram has `DIAGRAM_SECONDS`; a browser that hangs is killed.

Keeping: one `DiagramDrawing` per sha256 of a source and mermaid version, holding the sanitized
SVG or mermaid's (short) message when the source does not parse, so that a broken diagram is
not drawn again every export. A browser that crashed or timed out says nothing about the
source: nothing is kept, the next export tries again.
"""

import contextlib
import hashlib
import logging
import os
import re
import signal
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

MAX_SOURCE_CHARS = 20_000  # a longer source is refused, not drawn
MAX_SVG_BYTES = 2_000_000  # a bigger drawing is kept as the error "too large"
MAX_BATCH = 100  # diagrams drawn per call; the others wait for the next export
DIAGRAM_SECONDS = 5.0  # per diagram, in the page
BATCH_SECONDS = 120.0  # the whole batch, browser start included
ERROR_LINES, ERROR_LINE_CHARS = 4, 200

FONT_FAMILY = '"Liberation Sans", "DejaVu Sans", Arial, sans-serif'
MERMAID_CONFIG = {
    "startOnLoad": False,
    # What a diagram's own config (`%%{init}%%`, front matter) may not change: mermaid's own
    # list, plus plain-text labels and the fonts.
    "secure": [
        "secure",
        "securityLevel",
        "startOnLoad",
        "maxTextSize",
        "suppressErrorRendering",
        "maxEdges",
        "htmlLabels",
        "fontFamily",
        "deterministicIds",
        "deterministicIDSeed",
    ],
    "securityLevel": "strict",
    "deterministicIds": True,
    "htmlLabels": False,
    "fontFamily": FONT_FAMILY,
    "themeVariables": {"fontFamily": FONT_FAMILY},
    "flowchart": {"htmlLabels": False},
    "class": {"htmlLabels": False},
    "state": {"htmlLabels": False},
    "er": {"htmlLabels": False},
}

# How many browsers this process has launched (tests check that a kept diagram needs none).
browser_launches = 0


@dataclass(frozen=True)
class Diagram:
    source: str
    svg: str | None = None  # the drawing, when mermaid could draw it
    error: str | None = None  # mermaid's message, when it could not

    @property
    def drawn(self) -> bool:
        return self.svg is not None


def source_key(source: str) -> str:
    """The sha256 of a source (the same as typst_markup.diagram_key)."""
    return hashlib.sha256(source.encode()).hexdigest()


def _static(name: str) -> Path:
    return Path(settings.BASE_DIR) / "static" / "vendor" / "mermaid" / name


@cache
def mermaid_version() -> str:
    match = re.search(r"\d+\.\d+\.\d+", _static("VERSION").read_text())
    return match.group(0) if match else "unknown"


def diagrams_for(sources: Iterable[str]) -> dict[str, Diagram]:
    """The kept drawing (or error) of each source that has one, by source."""
    from .models import DiagramDrawing

    by_key = {source_key(source): source for source in sources}
    if not by_key:
        return {}
    kept = DiagramDrawing.objects.filter(
        key__in=list(by_key), mermaid_version=mermaid_version()
    ).values_list("key", "svg", "error")
    return {
        by_key[key]: Diagram(by_key[key], svg=svg or None, error=None if svg else error)
        for key, svg, error in kept
    }


def draw_missing(sources: Iterable[str]) -> dict[str, Diagram]:
    """Every source's drawing, drawing (and keeping) those not kept yet.

    A source that is too long, or beyond the batch's bounds, or that the browser could not
    draw (crash, timeout) comes back with an error that is not kept."""
    from .models import DiagramDrawing

    sources = list(dict.fromkeys(sources))
    found = diagrams_for(sources)
    missing = []
    for source in sources:
        if source in found:
            continue
        if len(source) > MAX_SOURCE_CHARS:
            found[source] = Diagram(
                source,
                error=f"This diagram is too long to draw ({len(source):,} characters; "
                f"at most {MAX_SOURCE_CHARS:,}).",
            )
        elif len(missing) >= MAX_BATCH:
            found[source] = Diagram(source, error="Not drawn: too many diagrams at once.")
        else:
            missing.append(source)
    if missing:
        drawn = _draw(missing)
        version = mermaid_version()
        keep = []
        for source in missing:
            diagram = drawn.get(source)
            if diagram is None:
                found[source] = Diagram(source, error="Not drawn: the drawing browser failed.")
                continue
            found[source] = diagram
            keep.append(
                DiagramDrawing(
                    key=source_key(source),
                    svg=diagram.svg or "",
                    error=diagram.error or "",
                    mermaid_version=version,
                )
            )
        if keep:
            DiagramDrawing.objects.bulk_create(
                keep,
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=["svg", "error", "mermaid_version"],
            )
    return {source: found[source] for source in sources}


# The page's side: one diagram, with Math.random seeded from its key (gitGraph's commit ids),
# serialized as XML, and raced against the clock (a promise that never settles).
RENDER_JS = """
async ([id, source, seed, ms]) => {
  let state = seed >>> 0;
  Math.random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const message = (error) => String((error && (error.message || error.str)) || error);
  const work = (async () => {
    try {
      await mermaid.parse(source);
    } catch (error) {
      return { error: message(error) };
    }
    try {
      const { svg } = await mermaid.render(id, source);
      const holder = document.createElement("div");
      holder.innerHTML = svg;
      const element = holder.querySelector("svg");
      return element ? { svg: new XMLSerializer().serializeToString(element) }
                     : { error: "Mermaid drew nothing." };
    } catch (error) {
      return { error: message(error) };
    } finally {
      document.body.replaceChildren();
    }
  })();
  const clock = new Promise((resolve) => setTimeout(() => resolve({ timeout: true }), ms));
  return Promise.race([work, clock]);
}
"""


def _draw(sources: list[str]) -> dict[str, Diagram | None]:
    """Each source drawn (or mermaid's error), or None where the browser failed.

    In a thread of its own: Playwright's sync API refuses to start where an asyncio loop runs
    (an async caller, or another sync Playwright in this thread); the database is not used
    there."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="diagrams") as pool:
        return pool.submit(_draw_in_this_thread, sources).result()


def _draw_in_this_thread(sources: list[str]) -> dict[str, Diagram | None]:
    global browser_launches
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from planhub.lib.chromium import CHROMIUM_ARGS, CHROMIUM_PATH

    results: dict[str, Diagram | None] = {}
    started = time.monotonic()
    before = _descendants()
    try:
        with sync_playwright() as playwright:
            browser_launches += 1
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, timeout=30_000
            )
            try:
                browser_processes = _descendants() - before
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort())
                page.set_default_timeout(30_000)
                page.set_content("<!doctype html><html><head></head><body></body></html>")
                page.add_script_tag(content=_static("mermaid.min.js").read_text())
                page.evaluate("(config) => mermaid.initialize(config)", MERMAID_CONFIG)
                for source in sources:
                    if time.monotonic() - started > BATCH_SECONDS:
                        logger.warning("Diagram batch out of time: %d left", len(sources))
                        break
                    key = source_key(source)
                    arguments = [f"d{key[:16]}", source, int(key[:8], 16), DIAGRAM_SECONDS * 1000]
                    with _watchdog(browser_processes, DIAGRAM_SECONDS + 5):
                        answer = page.evaluate(RENDER_JS, arguments)
                    if answer.get("timeout"):
                        logger.warning("Diagram %s: no answer in %ss", key[:12], DIAGRAM_SECONDS)
                        results[source] = None
                        break  # the page may still be busy with it: a fresh browser next time
                    results[source] = _diagram(source, answer)
            finally:
                with contextlib.suppress(PlaywrightError):
                    browser.close()
    except PlaywrightError as error:
        logger.warning("The diagram browser failed: %s", (str(error).splitlines() or ["?"])[0])
    except Exception:  # the PDF goes out with the sources shown; the next export tries again
        logger.exception("The diagram browser could not be used")
    return results


def _diagram(source: str, answer: dict) -> Diagram:
    if "svg" not in answer:
        return Diagram(source, error=short_error(str(answer.get("error") or "Unknown error")))
    if "<foreignObject" in answer["svg"]:  # Typst draws no HTML: the labels would be lost
        return Diagram(source, error="This diagram has HTML labels, which the PDF cannot show.")
    try:
        svg = sanitize_svg(answer["svg"])
    except ValueError as error:
        return Diagram(source, error=f"The drawing could not be used: {error}")
    size = len(svg.encode())
    if size > MAX_SVG_BYTES:
        return Diagram(
            source,
            error=f"This diagram is too large to put in the PDF ({size / 1e6:.1f} MB; "
            f"at most {MAX_SVG_BYTES / 1e6:.0f} MB).",
        )
    return Diagram(source, svg=svg)


def short_error(message: str) -> str:
    lines = [line.rstrip()[:ERROR_LINE_CHARS] for line in message.strip().splitlines()]
    return "\n".join(line for line in lines[:ERROR_LINES] if line) or "Unknown error"


# --- Killing a browser that hangs (a synchronous loop in the page blocks page.evaluate) ---


def _descendants() -> set[int]:
    """This process's descendants (Linux /proc; empty elsewhere)."""
    parents: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return set()
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = set(), [os.getpid()]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


class _watchdog:
    """Kills `processes` (the browser and Playwright's driver) if the block lasts longer than
    `seconds`: the blocked call then fails, which counts as a browser failure."""

    def __init__(self, processes: set[int], seconds: float):
        self.processes, self.timer = processes, threading.Timer(seconds, self._kill)
        self.timer.daemon = True

    def _kill(self) -> None:
        logger.warning("The diagram browser hangs: killing it")
        for pid in self.processes:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def __enter__(self):
        self.timer.start()

    def __exit__(self, *exc):
        self.timer.cancel()


# --- Sanitizing the SVG that is kept (it goes into PDFs only: defence in depth) ---

SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
DROPPED_ELEMENTS = {
    "script",
    "foreignObject",
    "iframe",
    "animate",
    "animateMotion",
    "animateTransform",
    "set",
    "handler",
    "listener",
}
EXTERNAL_URL = re.compile(r"url\(\s*(?!['\"]?#)[^)]*\)", re.IGNORECASE)
CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)


def sanitize_svg(svg: str) -> str:
    """The SVG without scripts, HTML, event attributes or references outside itself.
    ValueError if it is not an SVG document."""
    if re.search(r"<!(DOCTYPE|ENTITY)", svg, re.IGNORECASE):
        raise ValueError("document type declarations are not allowed")
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as error:
        raise ValueError(f"not XML ({error})") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValueError("not an SVG")
    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str):
                parent.remove(child)
                continue
            namespace, _, name = child.tag.rpartition("}")
            if namespace != f"{{{SVG_NS}" or name in DROPPED_ELEMENTS:
                parent.remove(child)
    for element in root.iter():
        for attribute, value in list(element.attrib.items()):
            name = attribute.rpartition("}")[2].lower()
            lowered = value.strip().lower()
            if (
                name.startswith("on")
                or (name == "href" and not value.startswith("#"))
                or "javascript:" in lowered
                or "://" in lowered  # nothing in a drawing names a place outside it
                or (name == "style" and (EXTERNAL_URL.search(value) or "@import" in lowered))
                or (EXTERNAL_URL.search(value) and name != "style")
            ):
                del element.attrib[attribute]
        if element.tag == f"{{{SVG_NS}}}style" and element.text:
            element.text = EXTERNAL_URL.sub("none", CSS_IMPORT.sub("", element.text))
    return ET.tostring(root, encoding="unicode")
