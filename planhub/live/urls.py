from django.urls import path

from . import views

urlpatterns = [
    path("plans/<int:plan_id>/live/", views.live_poll, name="live_poll"),
]
