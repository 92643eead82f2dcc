from django.urls import path

from . import views

urlpatterns = [
    path("plans/new/", views.plan_new, name="plan_new"),
    path("import/", views.plan_import, name="plan_import"),
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
]
