"""Mermaid diagrams drawn as SVG for the PDF, by headless Chromium in the worker, kept by source.

`diagrams_for(sources)` answers from what is kept; `draw_missing(sources)` draws the others
(only the worker calls it: it launches a browser).
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Diagram:
    source: str
    svg: str | None = None  # the drawing, when mermaid could draw it
    error: str | None = None  # mermaid's message, when it could not

    @property
    def drawn(self) -> bool:
        return self.svg is not None


def diagrams_for(sources: Iterable[str]) -> dict[str, Diagram]:
    """The kept drawing (or error) of each source that has one, by source."""
    return {}


def draw_missing(sources: Iterable[str]) -> dict[str, Diagram]:
    """Every source's drawing, drawing (and keeping) those not kept yet."""
    return {source: Diagram(source, error="not drawn yet") for source in dict.fromkeys(sources)}
