"""Background jobs of the exports app, run by `manage.py db_worker` (django-tasks)."""

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django_tasks import task

from .models import PdfExport
from .pdf import with_generation_time
from .pdf_process import BudgetExceeded, RenderFailed, render_in_child

logger = logging.getLogger(__name__)


@task()
def render_pdf_export(export_id: int) -> None:
    """Render one PdfExport in a child process held to the job budget. A failure is retried
    once; a budget overrun is not (the same document would overrun it again)."""
    export = PdfExport.objects.defer("pdf").filter(pk=export_id).first()
    if export is None or not export.start():
        return  # deleted (with its plan) or already taken by another worker
    document = with_generation_time(export.document, export.created_at)
    with tempfile.TemporaryDirectory(prefix="planhub-pdf-") as workdir:
        try:
            rendered = render_in_child(
                document,
                workdir=Path(workdir),
                seconds=settings.PDF_JOB_SECONDS,
                memory_bytes=settings.PDF_JOB_MEMORY_MB * 2**20,
                on_progress=lambda progress: export.report_progress(progress.pages),
            )
        except BudgetExceeded as overrun:
            logger.error("PDF export %s of plan %s: %s", export.pk, export.plan_id, overrun)
            export.fail(str(overrun))
            return
        except RenderFailed as failure:
            logger.error("PDF export %s of plan %s failed: %s", export.pk, export.plan_id, failure)
            export.retry_or_fail(str(failure))
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
