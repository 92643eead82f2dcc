from django.urls import path

from . import views

urlpatterns = [
    path("settings/", views.project_settings, name="project_settings"),
    path("members/", views.members, name="members"),
    path("members/<int:member_id>/role/", views.member_role, name="member_role"),
    path("members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
]
