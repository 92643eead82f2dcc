from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

MAX_ATTEMPTS = 2  # a job that failed is retried once
WAITING_LONG_SECONDS = 20


class PdfExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class PdfExportQuerySet(models.QuerySet):
    def without_files(self) -> "PdfExportQuerySet":
        """Everything but the document and the PDF bytes (status checks need neither)."""
        return self.defer("document", "diagram_sources", "pdf")


class PdfExport(models.Model):
    """One PDF of a plan's content at one moment, rendered by the background worker.

    `content_key` is a hash of the Typst document (the generation time left out): however
    many people ask for the same content, there is one row and one rendering. The document is
    kept from the moment it was asked for until it is rendered, so that the PDF shows exactly
    the content of that moment even if the plan changes meanwhile.
    """

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="pdf_exports")
    content_key = models.CharField(max_length=64, unique=True)
    # The frozen version this is the PDF of (None: the working copy). A version never changes,
    # so its PDF is kept when the working copy's newer PDFs finish.
    frozen_version = models.ForeignKey(
        "baselines.PlanVersion",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pdf_exports",
    )
    status = models.CharField(
        max_length=20, choices=PdfExportStatus.choices, default=PdfExportStatus.QUEUED
    )
    document = models.TextField(blank=True, help_text="The Typst source; emptied once done.")
    # The mermaid sources of the document's diagrams, drawn by the worker before it compiles.
    diagram_sources = models.JSONField(default=list, blank=True)
    pdf = models.BinaryField(null=True, editable=False)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0, help_text="The page count, once known.")
    # What the worker is doing ("Drawing diagrams — 2 of 3", "Typesetting"), for the export page.
    phase = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PdfExportQuerySet.as_manager()

    class Meta:
        indexes = [
            # "the plan's other exports" when a new one is ready (they are deleted)
            models.Index(fields=["plan", "status"], name="pdfexport_plan_status"),
        ]

    def __str__(self) -> str:
        return f"PDF of plan {self.plan_id} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == PdfExportStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == PdfExportStatus.FAILED

    @property
    def is_finished(self) -> bool:
        return self.is_ready or self.is_failed

    @property
    def is_waiting_long(self) -> bool:
        """Queued for longer than a running worker takes to pick a job up."""
        return (
            self.status == PdfExportStatus.QUEUED
            and timezone.now() - self.created_at > timedelta(seconds=WAITING_LONG_SECONDS)
        )

    @property
    def is_lost(self) -> bool:
        """Rendering for far longer than any job may: its worker died (a deploy, a kill -9)."""
        deadline = timedelta(seconds=settings.PDF_JOB_SECONDS * 2 + 60)
        return (
            self.status == PdfExportStatus.RENDERING
            and self.started_at is not None
            and timezone.now() - self.started_at > deadline
        )

    @classmethod
    def for_content(
        cls,
        *,
        plan,
        document: str,
        content_key: str,
        user,
        frozen_version=None,
        diagram_sources=(),
    ) -> tuple["PdfExport", bool]:
        """The export of this content, kept or under way, or a new one (True) to be queued."""
        export = cls.objects.without_files().filter(content_key=content_key).first()
        if export is not None:
            return export, False
        try:
            with transaction.atomic():
                export = cls.objects.create(
                    plan=plan,
                    content_key=content_key,
                    document=document,
                    diagram_sources=list(diagram_sources),
                    requested_by=user,
                    frozen_version=frozen_version,
                )
        except IntegrityError:  # someone asked for the same content at the same moment
            return cls.objects.without_files().get(content_key=content_key), False
        return export, True

    def requeue_or_fail(self, reason: str) -> bool:
        """After a failed attempt: queued again (True) if it may be retried, else failed with
        `reason`."""
        if self.attempts < MAX_ATTEMPTS:
            self.status, self.error = PdfExportStatus.QUEUED, reason
            self.save(update_fields=["status", "error"])
            return True
        self.fail(reason)
        return False

    def fail(self, reason: str) -> None:
        self.status, self.error, self.finished_at = PdfExportStatus.FAILED, reason, timezone.now()
        self.save(update_fields=["status", "error", "finished_at"])

    def start(self) -> bool:
        """Claim the job for this worker; False if it is no longer queued."""
        now = timezone.now()
        claimed = PdfExport.objects.filter(pk=self.pk, status=PdfExportStatus.QUEUED).update(
            status=PdfExportStatus.RENDERING,
            started_at=now,
            pages=0,
            phase="",
            attempts=F("attempts") + 1,
        )
        if claimed:
            self.status, self.started_at, self.pages = PdfExportStatus.RENDERING, now, 0
            self.phase = ""
            self.attempts += 1
        return bool(claimed)

    def report_progress(self, pages: int, phase: str = "") -> None:
        self.pages, self.phase = pages, phase
        PdfExport.objects.filter(pk=self.pk).update(pages=pages, phase=phase)

    def finish(self, pdf: bytes, pages: int) -> None:
        """Keep the PDF; the plan's older PDFs of the same kind (the working copy's, or the
        same frozen version's) go: their content has changed since."""
        self.status, self.pdf, self.size, self.pages = PdfExportStatus.READY, pdf, len(pdf), pages
        self.finished_at, self.document, self.error = timezone.now(), "", ""
        self.diagram_sources, self.phase = [], ""
        self.save(
            update_fields=[
                *("status", "pdf", "size", "pages", "finished_at", "document", "error"),
                *("diagram_sources", "phase"),
            ]
        )
        PdfExport.objects.filter(
            plan_id=self.plan_id,
            frozen_version=self.frozen_version_id,
            created_at__lt=self.created_at,
        ).exclude(status__in=[PdfExportStatus.QUEUED, PdfExportStatus.RENDERING]).delete()

    def restart(self, *, user) -> None:
        """Someone asks again after a failure: a fresh pair of attempts."""
        self.status, self.attempts, self.error, self.requested_by = (
            PdfExportStatus.QUEUED,
            0,
            "",
            user,
        )
        self.created_at, self.started_at, self.finished_at = timezone.now(), None, None
        self.save()


class DiagramDrawing(models.Model):
    """A mermaid diagram drawn once (exports/diagrams.py), kept by the sha256 of its source:
    the SVG, or mermaid's message when the source does not parse (not retried every export)."""

    key = models.CharField(max_length=64, unique=True)  # sha256 hex of the source
    svg = models.TextField(blank=True)
    error = models.TextField(blank=True)
    mermaid_version = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"diagram {self.key[:12]}"
