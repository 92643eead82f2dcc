from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import throttle


class ThrottledModelBackend(ModelBackend):
    """Django's username and password check, counted by the log-in throttle: whatever calls
    `authenticate` (the log-in page, the admin's, any later form) is throttled the same way.

    Raises throttle.LoginThrottled (a PermissionDenied: no other backend is tried, and
    `authenticate` returns None) without checking the password when over a limit.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        check = super().authenticate
        try:
            return throttle.counted_check(
                username,
                request,
                lambda: check(request, username=username, password=password, **kwargs),
            )
        except throttle.LoginThrottled as refusal:
            if request is not None:
                request.login_throttled_minutes = refusal.minutes
            raise
