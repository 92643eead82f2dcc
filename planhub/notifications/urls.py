from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="notifications"),
    path("<int:notification_id>/open/", views.notification_open, name="notification_open"),
    path("<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("unread/", views.notifications_unread, name="notifications_unread"),
    path("preferences/", views.preferences, name="notification_preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="notification_unsubscribe"),
]
