from django.urls import path

from . import library_views, views

SECTION = "plans/<int:plan_id>/sections/<int:section_id>/"

urlpatterns = [
    path("plans/new/", views.plan_new, name="plan_new"),
    path("import/", views.plan_import, name="plan_import"),
    path("templates/", library_views.template_library, name="template_library"),
    path("templates/<int:template_id>/", library_views.template_detail, name="template_detail"),
    path(
        "templates/<int:template_id>/archive/",
        library_views.template_archive,
        name="template_archive",
    ),
    path("plans/<int:plan_id>/archive/", views.plan_archive, name="plan_archive"),
    path(
        "plans/<int:plan_id>/save-as-template/",
        library_views.plan_save_as_template,
        name="plan_save_as_template",
    ),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/outline/", views.plan_outline, name="plan_outline"),
    path(
        "plans/<int:plan_id>/sections/<int:section_id>/",
        views.section_detail,
        name="section_detail",
    ),
    path(
        "plans/<int:plan_id>/sections/<int:section_id>/edit/",
        views.section_edit,
        name="section_edit",
    ),
    path(
        "plans/<int:plan_id>/sections/<int:section_id>/preview/",
        views.section_preview,
        name="section_preview",
    ),
    path(f"{SECTION}structure/", views.section_structure, name="section_structure"),
    path(f"{SECTION}restore/", views.section_restore, name="section_restore"),
    path(
        f"{SECTION}restore-with-text/",
        views.section_restore_with_text,
        name="section_restore_with_text",
    ),
    path(f"{SECTION}history/", views.section_history, name="section_history"),
    path(f"{SECTION}revert/", views.section_revert, name="section_revert"),
    path(f"{SECTION}task/", views.section_task, name="section_task"),
]
