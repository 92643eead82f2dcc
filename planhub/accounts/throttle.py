"""Log-in rate limiting: after too many failures for one account (or from one address) in a
window, further attempts are refused with a clear message until the window has passed."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure


def client_ip(request) -> str | None:
    if request is None:
        return None
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _window_start():
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def minutes_to_wait(username: str, request) -> int:
    """0 when a log-in may be tried now, else how many minutes until it may."""
    recent = LoginFailure.objects.filter(created_at__gte=_window_start())
    by_user = recent.filter(username=username.lower()).order_by("created_at")
    ip = client_ip(request)
    by_ip = recent.filter(ip=ip).order_by("created_at") if ip else recent.none()
    for failures, limit in ((by_user, settings.LOGIN_FAILURES_PER_USER),
                            (by_ip, settings.LOGIN_FAILURES_PER_IP)):  # fmt: skip
        if failures.count() >= limit:
            oldest = failures.values_list("created_at", flat=True)[0]
            free_at = oldest + timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
            return max(1, int((free_at - timezone.now()).total_seconds() // 60) + 1)
    return 0


def record_failure(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150].lower()
    LoginFailure.objects.create(username=username, ip=client_ip(request))


def clear_failures(sender, request, user, **kwargs) -> None:
    LoginFailure.objects.filter(username=user.get_username().lower()).delete()
