from django.urls import path

from . import views

plan = "plans/<int:plan_id>/versions/"

urlpatterns = [
    path(plan, views.versions, name="versions"),
    path(f"{plan}compare/", views.version_compare, name="version_compare"),
    path(f"{plan}<int:version_id>/", views.version_detail, name="version_detail"),
]
