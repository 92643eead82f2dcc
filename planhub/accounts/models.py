from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import models


class LoginFailure(models.Model):
    """A failed log-in, kept for the throttle (in the database: shared by every app server).

    Recorded as each password check starts, and deleted when it succeeds: an attempt still
    being checked counts too, which keeps parallel attempts under the limit."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            # The throttle counts recent failures per username and per address.
            models.Index(fields=["username", "created_at"], name="loginfailure_user_time"),
            models.Index(fields=["ip", "created_at"], name="loginfailure_ip_time"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip} at {self.created_at:%Y-%m-%d %H:%M}"


class Profile(models.Model):
    """What a person says about themselves: the name others see, and their time zone (digests
    arrive at their hour; times in mail are theirs)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")

    def __str__(self) -> str:
        return self.display_name or str(self.user)

    @classmethod
    def of(cls, user) -> "Profile":
        profile, _ = cls.objects.get_or_create(user=user)
        return profile

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")


# The top bar shows the display name on every page: kept in the session (set at log-in and when
# the profile is saved) rather than read from the database on every request.
DISPLAY_NAME_SESSION_KEY = "planhub_display_name"


def remember_display_name(request, user) -> None:
    if request is None or not hasattr(request, "session"):
        return
    name = Profile.objects.filter(user=user).values_list("display_name", flat=True).first()
    request.session[DISPLAY_NAME_SESSION_KEY] = name or ""
