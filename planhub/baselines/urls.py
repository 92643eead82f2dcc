from django.urls import path  # noqa: F401 (the versions issue adds the routes)

urlpatterns: list = []
