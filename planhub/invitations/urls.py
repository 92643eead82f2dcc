"""Invitations: sent from a project (/p/<slug>/invitations/), followed at /invitations/<token>/."""

project_urlpatterns: list = []
urlpatterns: list = []
