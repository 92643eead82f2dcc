from django.urls import path

from . import draft_views, review_views, section_views, views

SECTION = "plans/<int:plan_id>/sections/<int:section_id>/"

urlpatterns = [
    path("", views.project_detail, name="project_detail"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/outline/", views.plan_outline, name="plan_outline"),
    path(SECTION, section_views.section_detail, name="section_detail"),
    path(f"{SECTION}edit/", section_views.section_edit, name="section_edit"),
    path(f"{SECTION}preview/", section_views.section_preview, name="section_preview"),
    path(f"{SECTION}review/", section_views.section_decide, name="section_decide"),
    path(f"{SECTION}structure/", section_views.section_structure, name="section_structure"),
    path(f"{SECTION}restore/", section_views.section_restore, name="section_restore"),
    path(
        f"{SECTION}restore-with-text/",
        section_views.section_restore_with_text,
        name="section_restore_with_text",
    ),
    path(f"{SECTION}history/", section_views.section_history, name="section_history"),
    path(
        f"{SECTION}restore-version/",
        section_views.section_restore_version,
        name="section_restore_version",
    ),
    path(f"{SECTION}task/", section_views.section_task, name="section_task"),
    path(f"{SECTION}draft/discard/", draft_views.draft_discard, name="draft_discard"),
    path("plans/<int:plan_id>/review/", review_views.review, name="plan_review"),
    path(
        "plans/<int:plan_id>/review/approve-read/",
        review_views.review_approve_read,
        name="review_approve_read",
    ),
    path(
        "plans/<int:plan_id>/review/sections/<int:section_id>/",
        review_views.review_decide,
        name="review_decide",
    ),
]
