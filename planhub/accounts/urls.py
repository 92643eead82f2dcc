"""/accounts/: PlanHub's account pages, before allauth's (planhub/urls.py), so these win where
both match. Django's URL names (login, logout, password_change, password_reset) name allauth's
pages; Django's former addresses redirect to them."""

from allauth.account import views as account_views
from django.urls import path, re_path

from . import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/", views.login, name="account_login"),
    path("logout/", account_views.logout, name="logout"),
    path("password/change/", account_views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/", views.password_reset, name="account_reset_password"),
    path("password/reset/done/", views.password_reset_done, name="account_reset_password_done"),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    re_path(
        r"^(?P<page>password_change|password_reset|reset)/",
        views.old_password_page,
        name="old_password_page",
    ),
    path("profile/", views.profile, name="profile"),
    path("signing/key/", views.signing_key_options, name="signing_key_options"),
    path("profile/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
]
