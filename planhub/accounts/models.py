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
