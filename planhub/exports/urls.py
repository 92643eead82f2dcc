from django.urls import path

from . import audit_views, version_views, views

urlpatterns = [
    path("plans/<int:plan_id>/export.md", views.export_md, name="export_md"),
    path("plans/<int:plan_id>/export.pdf", views.export_pdf, name="export_pdf"),
    path(
        "plans/<int:plan_id>/pdf/<int:export_id>/",
        views.pdf_export_status,
        name="pdf_export_status",
    ),
    path(
        "plans/<int:plan_id>/pdf/<int:export_id>/download/",
        views.pdf_export_file,
        name="pdf_export_file",
    ),
    path("plans/<int:plan_id>/print/", views.plan_print, name="plan_print"),
    path(
        "plans/<int:plan_id>/versions/<int:version_id>/export.md",
        version_views.version_export_md,
        name="version_export_md",
    ),
    path(
        "plans/<int:plan_id>/versions/<int:version_id>/export.pdf",
        version_views.version_export_pdf,
        name="version_export_pdf",
    ),
    path("plans/<int:plan_id>/audit.csv", audit_views.audit_csv, name="audit_csv"),
    path("plans/<int:plan_id>/audit.json", audit_views.audit_json, name="audit_json"),
]
