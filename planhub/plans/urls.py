from django.urls import path

from . import library_views, views

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
    path(
        "templates/<int:template_id>/placeholders/",
        library_views.template_placeholders,
        name="template_placeholders",
    ),
    path("plans/<int:plan_id>/archive/", views.plan_archive, name="plan_archive"),
    path(
        "plans/<int:plan_id>/save-as-template/",
        library_views.plan_save_as_template,
        name="plan_save_as_template",
    ),
]
