"""Personal API tokens: a user's secret for scripts (CI), stored only as a SHA-256 hash."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

TOKEN_PREFIX = "ph_"
PREFIX_LENGTH = 8  # "ph_" and five random characters: enough to tell tokens apart in a list
# last_used_at is written at most this often, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so a plain (unsalted, fast) hash is enough: nobody can
    # guess their way to a hash, and the database lookup by hash needs a deterministic one.
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, secret: str) -> "ApiToken | None":
        """The active token whose secret is `secret` (with its user), or None."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        return (
            self.select_related("user")
            .filter(token_hash=hash_secret(secret), user__is_active=True)
            .first()
        )


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “CI release”.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=PREFIX_LENGTH, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-created_at", "-pk"]
        verbose_name = "API token"
        constraints = [
            # Names are how people tell their tokens apart on the tokens page.
            models.UniqueConstraint(fields=["user", "name"], name="apitoken_unique_name"),
        ]
        # token_hash is unique, and so indexed: every API request looks a token up by it.

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """A new token for `user` and its secret, which is not stored and cannot be shown again."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, token_hash=hash_secret(secret), prefix=secret[:PREFIX_LENGTH]
        )
        return token, secret

    def mark_used(self) -> None:
        """Record use, at most once per LAST_USED_RESOLUTION (no write on most requests)."""
        now = timezone.now()
        cutoff = now - LAST_USED_RESOLUTION
        if self.last_used_at is not None and self.last_used_at > cutoff:
            return
        # Conditional, so concurrent requests with the same token write once between them.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff), pk=self.pk
        ).update(last_used_at=now)
        self.last_used_at = now
