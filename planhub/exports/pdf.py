"""PDF export: the plan's Typst document (exports/typst_pdf.py), typeset by Typst.

A web request never renders a PDF: it captures the plan's document (`capture`: the Typst
source and the mermaid sources its diagrams are drawn from) and the background worker
(planhub/exports/tasks.py) draws the diagrams (exports/diagrams.py) and compiles the source
in a child process held to a budget (exports/pdf_process.py). The document leaves the
generation time open (a slot filled in when it is rendered), so that the same content always
has the same content key, whenever it is asked for. See README "PDF export" and "Choosing the
engine" for why Typst (measured with bench/pdf_engines.py against WeasyPrint and Chromium).
"""

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify

from planhub.plans.models import Plan

from .diagrams import Diagram, diagrams_for, draw_missing
from .pdf_process import STANDARDS_LINE, compile_typst
from .typst_markup import diagram_inputs
from .typst_pdf import TypstDocument, plan_document, with_generation_time

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CapturedDocument:
    source: str  # Typst source, generation time left open
    diagram_sources: tuple[str, ...]
    content_key: str


def pdf_filename(plan: Plan) -> str:
    return f"{slugify(plan.title) or 'plan'}.pdf"


def content_key(owner: str, source: str) -> str:
    """A hash of whose document it is (the plan's or a version's id) and the document."""
    return hashlib.sha256(f"{owner}\n{source}".encode()).hexdigest()


def with_standards(document: TypstDocument) -> str:
    """The source, with the PDF standards it asks for (PDF/UA-1) on its first line, for the
    child process that compiles it (pdf_process.compile_typst)."""
    if not document.pdf_standards:
        return document.source
    return STANDARDS_LINE.format(" ".join(document.pdf_standards)) + document.source


def capture(plan: Plan) -> CapturedDocument:
    """The plan's PDF document as it is now (generation time left open), its diagrams'
    sources and its content key (a hash of the plan's id and the document)."""
    document = plan_document(plan)
    source = with_standards(document)
    return CapturedDocument(source, document.diagram_sources, content_key(str(plan.pk), source))


def draw_diagrams(
    sources: Iterable[str], on_progress: Callable[[int, int], None] | None = None
) -> dict[str, Diagram]:
    """Every source's drawing: the kept ones, then the others drawn one by one (reporting
    `on_progress(done, total)` before each). A drawing that cannot be made at all (no
    browser) prints the diagram's source with the reason: the PDF is still made."""
    sources = list(dict.fromkeys(sources))
    drawings = diagrams_for(sources) if sources else {}
    missing = [source for source in sources if source not in drawings]
    for done, source in enumerate(missing):
        if on_progress:
            on_progress(done + 1, len(missing))
        try:
            drawings.update(draw_missing([source]))
        except Exception as error:  # the browser is missing or crashed: print the source
            logger.warning("Could not draw a diagram: %s", error)
            drawings[source] = Diagram(source, error="The diagram could not be drawn.")
    return drawings


def plan_pdf(plan: Plan) -> bytes:
    """The plan as a PDF, rendered here and now (`manage.py export_plan --format pdf`)."""
    captured = capture(plan)
    drawings = draw_diagrams(captured.diagram_sources)
    source = with_generation_time(captured.source, timezone.now())
    return compile_typst(source, diagram_inputs(drawings))
