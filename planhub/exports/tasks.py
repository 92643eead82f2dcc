"""Background jobs of the exports app, run by `manage.py db_worker` (django-tasks), and the
functions that queue them (a model never queues a job itself: the job reads the model)."""

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django_tasks import task

from .models import PdfExport
from .pdf import draw_diagrams, with_generation_time
from .pdf_process import BudgetExceeded, RenderFailed, render_in_child
from .typst_markup import diagram_inputs

logger = logging.getLogger(__name__)


@task()
def render_pdf_export(export_id: int) -> None:
    """Render one PdfExport: draw its diagrams (the kept ones are reused), then compile its
    Typst source in a child process held to the job budget. A failure is retried once; a
    budget overrun is not (the same document would overrun it again)."""
    export = PdfExport.objects.defer("pdf").filter(pk=export_id).first()
    if export is None or not export.start():
        return  # deleted (with its plan) or already taken by another worker
    drawings = draw_diagrams(
        export.diagram_sources,
        on_progress=lambda done, total: export.report_progress(
            0, f"Drawing diagrams — {done} of {total}"
        ),
    )
    document = with_generation_time(export.document, export.created_at)
    with tempfile.TemporaryDirectory(prefix="planhub-pdf-") as workdir:
        try:
            rendered = render_in_child(
                document,
                workdir=Path(workdir),
                seconds=settings.PDF_JOB_SECONDS,
                memory_bytes=settings.PDF_JOB_MEMORY_MB * 2**20,
                inputs=diagram_inputs(drawings),
                on_progress=lambda progress: export.report_progress(progress.pages, progress.label),
            )
        except BudgetExceeded as overrun:
            logger.error("PDF export %s of plan %s: %s", export.pk, export.plan_id, overrun)
            export.fail(str(overrun))
            return
        except RenderFailed as failure:
            logger.error("PDF export %s of plan %s failed: %s", export.pk, export.plan_id, failure)
            retry_or_fail(export, str(failure))
            return
    export.finish(rendered.pdf, rendered.pages)
    logger.info(
        "PDF export %s of plan %s: %d pages, %d bytes in %.1f s, peak memory %d MB",
        export.pk,
        export.plan_id,
        rendered.pages,
        len(rendered.pdf),
        rendered.seconds,
        rendered.peak_memory_bytes // 2**20,
    )


def request_pdf(
    *, plan, document: str, content_key: str, user, frozen_version=None, diagram_sources=()
) -> PdfExport:
    """The export of this content (of `frozen_version` when given): the one kept or under
    way, or a new one queued for the worker. A job whose worker died is queued again (once)."""
    export, created = PdfExport.for_content(
        plan=plan,
        document=document,
        content_key=content_key,
        user=user,
        frozen_version=frozen_version,
        diagram_sources=diagram_sources,
    )
    if created:
        render_pdf_export.enqueue(export.pk)
    elif export.is_lost:
        retry_or_fail(export, "The worker rendering this PDF stopped before it finished.")
    return export


def retry_or_fail(export: PdfExport, reason: str) -> None:
    """After a failed attempt: queue it again if it may be retried, else report `reason`."""
    if export.requeue_or_fail(reason):
        render_pdf_export.enqueue(export.pk)


def restart(export: PdfExport, *, user) -> None:
    """Someone asks again after a failure: a fresh pair of attempts."""
    export.restart(user=user)
    render_pdf_export.enqueue(export.pk)
