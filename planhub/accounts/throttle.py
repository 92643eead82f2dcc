"""Log-in rate limiting: after too many failures for one account (or from one address) in a
window, further attempts are refused with a clear message until the window has passed.

Every password check is recorded first (`record_attempt`, called by the authentication
backend), so every log-in path shares one count, and parallel attempts cannot pass the limit,
without locks, on PostgreSQL and SQLite alike: an attempt first records itself (a committed
row), then counts the rows in the window. Whichever attempt commits k-th sees at least k rows,
so at most the limit of attempts ever get to check a password; one over the limit drops its row.
(In a burst, one refused but not yet dropped can make others refuse early: never too many.)
"""

import ipaddress
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .client_address import client_address
from .models import LoginFailure

T = TypeVar("T")


class LoginThrottled(PermissionDenied):
    """Too many recent failures: the password was not even checked."""

    def __init__(self, minutes: int):
        super().__init__(f"log-in throttled for {minutes} minutes")
        self.minutes = minutes


def client_ip(request) -> str | None:
    """The address counted by the per-address limit. An IPv6 client counts as its /64
    network: one subscriber usually gets a whole /64 and can pick a new address per attempt."""
    if request is None:
        return None
    address = client_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        settings.TRUSTED_PROXIES,
    )
    if address is not None and ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return address


def throttle_key(username: str) -> str:
    return str(username)[:150].lower()


def counted_check(username: str, request, check: Callable[[], T]) -> T:
    """Run `check` (one password check) as a counted attempt: recorded before it runs (or
    LoginThrottled, without running it, when over a limit), cleared when it succeeds (returns
    a true value). A check that fails, by a false value or by raising, stays counted."""
    record_attempt(username, request)
    result = check()
    if result:
        clear_failures(username)
    return result


def record_attempt(username: str, request) -> None:
    """Count one password check about to happen as a failure (`clear_failures` once it
    succeeds), or raise LoginThrottled, before any check, when that is over a limit.

    Runs outside a transaction (as log-in views do): the attempt's row must be committed before
    it counts the others, for parallel attempts to see each other.
    """
    attempt = LoginFailure.objects.create(username=throttle_key(username), ip=client_ip(request))
    wait = _minutes_to_wait(attempt)
    if wait:
        attempt.delete()
        raise LoginThrottled(wait)


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username=throttle_key(username)).delete()


def _minutes_to_wait(attempt: LoginFailure) -> int:
    """0 when this attempt (already recorded) is within the limits, else the minutes until
    an attempt would be."""
    recent = LoginFailure.objects.filter(created_at__gte=_window_start())
    counted = [(recent.filter(username=attempt.username), settings.LOGIN_FAILURES_PER_USER)]
    if attempt.ip:
        counted.append((recent.filter(ip=attempt.ip), settings.LOGIN_FAILURES_PER_IP))
    for attempts, limit in counted:
        over = attempts.count() - limit
        if over > 0:
            return _minutes_until(_freed_at(attempts.exclude(pk=attempt.pk), over - 1))
    return 0


def _freed_at(failures, index: int) -> datetime:
    """When the failure at `index` (oldest first) leaves the window: once it has, one more
    attempt fits under the limit."""
    times = failures.order_by("created_at").values_list("created_at", flat=True)
    found = list(times[index : index + 1])
    oldest = found[0] if found else timezone.now()  # cleared meanwhile by a success
    return oldest + timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def _minutes_until(moment: datetime) -> int:
    return max(1, int((moment - timezone.now()).total_seconds() // 60) + 1)


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
