from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.internal.userkit import filter_users_by_email, get_user_by_username
from django.contrib.auth import get_user_model
from django.db.models import IntegerField

from planhub.lib.compiled_query import CompiledQuery, Param

from . import throttle

# Longer than any username or e-mail address (254): not looked up at all (SQLite refuses a LIKE
# pattern that long), but still counted.
MAX_LOGIN_LENGTH = 254


def account_name(credentials: dict) -> str | None:
    """Whose password is being tried, as the throttle counts it: the account's username when the
    username or e-mail address names one (so guesses by username and by address share one
    count), else what was typed."""
    username = credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD)
    email = credentials.get("email")
    if any(len(str(value)) > MAX_LOGIN_LENGTH for value in (username or "", email or "")):
        return str(username or email)
    if username:
        user = get_user_by_username(username)
        if user is None and "@" in username:
            email = username
        elif user is not None:
            return user.get_username()
    if email:
        users = filter_users_by_email(email, prefer_verified=True, for_login=True)
        return users[0].get_username() if users else email
    return username or None


class ThrottledAuthenticationBackend(AuthenticationBackend):
    """allauth's check of a username or e-mail address and password, counted by the log-in
    throttle: whatever calls `authenticate` (allauth's log-in and re-authentication, the
    admin's log-in, any later form) is throttled the same way.

    Raises throttle.LoginThrottled (a PermissionDenied: no other backend is tried, and
    `authenticate` returns None) without checking the password when over a limit.
    """

    def authenticate(self, request, **credentials):
        name = account_name(credentials)
        if name is None or not credentials.get("password"):
            return None
        check = super().authenticate
        if len(name) > MAX_LOGIN_LENGTH:
            check = lambda *args, **kwargs: None  # noqa: E731 - no account has such a name
        try:
            return throttle.counted_check(name, request, lambda: check(request, **credentials))
        except throttle.LoginThrottled as refusal:
            if request is not None:
                request.login_throttled_minutes = refusal.minutes
            raise

    def get_user(self, user_id):
        """The session's user (every request asks), read with SQL compiled once per process."""
        user = USER_BY_PK.get(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


USER_BY_PK = CompiledQuery(
    lambda: get_user_model()._default_manager.filter(pk=Param("pk", IntegerField()))
)

# The name settings used before allauth (its throttle block still says it).
ThrottledModelBackend = ThrottledAuthenticationBackend
