from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from planhub.api import urls as api_urls
from planhub.health import bare, healthz
from planhub.invitations import urls as invitation_urls
from planhub.pages import views as page_views
from planhub.projects import views as project_views

project_urls = [
    path("", include("planhub.pages.urls")),
    path("", include("planhub.projects.urls")),
    path("", include("planhub.plans.urls")),
    path("", include("planhub.exports.urls")),
    path("", include("planhub.reviews.urls")),
    path("", include("planhub.baselines.urls")),
    path("", include("planhub.live.urls")),
    path("", include("planhub.webhooks.urls")),
    path("", include(invitation_urls.project_urlpatterns)),
]

urlpatterns = [
    path("", page_views.dashboard, name="dashboard"),
    path("projects/new/", project_views.project_new, name="project_new"),
    path("p/<slug:slug>/", include(project_urls)),
    path("search/", include("planhub.search.urls")),
    path("notifications/", include("planhub.notifications.urls")),
    path("invitations/", include(invitation_urls.urlpatterns)),
    path("accounts/tokens/", include(api_urls.token_patterns)),
    path("accounts/", include("planhub.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/", include(api_urls.api_patterns)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
if settings.BENCH_ROUTES:  # the load benchmark's baseline only (bench/run.py)
    urlpatterns.append(path("bench/bare", bare, name="bench_bare"))
