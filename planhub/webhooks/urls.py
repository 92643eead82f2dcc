from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/new/", views.webhook_new, name="webhook_new"),
    path("webhooks/<int:webhook_id>/", views.webhook_edit, name="webhook_edit"),
    path("webhooks/<int:webhook_id>/delete/", views.webhook_delete, name="webhook_delete"),
    path("webhooks/<int:webhook_id>/deliveries/", views.deliveries, name="webhook_deliveries"),
    path(
        "webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver/",
        views.redeliver,
        name="webhook_redeliver",
    ),
]
