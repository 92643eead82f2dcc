"""Invitations: sent from a project (/p/<slug>/invitations/), followed at /invitations/<token>/."""

from django.urls import path

from . import views

project_urlpatterns = [
    path("invitations/", views.invitations, name="invitations"),
    path(
        "invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
urlpatterns = [
    path("<str:token>/", views.invitation, name="invitation"),
    path("<str:token>/signup/", views.invitation_signup, name="invitation_signup"),
]
