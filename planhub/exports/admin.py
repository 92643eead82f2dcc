from django.contrib import admin

from .models import DiagramDrawing, PdfExport


@admin.register(PdfExport)
class PdfExportAdmin(admin.ModelAdmin):
    """PDF jobs and the files kept: the admin may look and delete (the next export of that
    content renders again), not add or change."""

    list_display = ["plan", "status", "pages", "size", "attempts", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["plan"]
    fields = ["plan", "status", "pages", "size", "attempts", "error", "requested_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf", "document")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DiagramDrawing)
class DiagramDrawingAdmin(admin.ModelAdmin):
    """Kept diagram drawings: the admin may look and delete (the next PDF draws it again)."""

    list_display = ["key", "mermaid_version", "created_at"]
    fields = ["key", "mermaid_version", "error", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("svg")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
