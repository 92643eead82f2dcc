"""An invitation to join a project by e-mail: sent by an owner, followed once by the invitee.

Only a hash of the link's token is stored: the link itself exists in the mail alone. Every state
change is a method here that raises an `InvitationError` with the message for the person."""

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from planhub.mail.outbox import queue_mail
from planhub.notifications.models import Event
from planhub.notifications.notify import notify
from planhub.projects.models import ROLE_HELP, Membership, Project, Role
from planhub.webhooks.events import WebhookEvent
from planhub.webhooks.publish import publish

# A token is 43 URL-safe characters (32 random bytes); anything else is not a link we sent.
TOKEN_BYTES = 32
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"


def day(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(token for the link, its hash for the database)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def normalise_email(address: str) -> str:
    # Compared and stored in lower case, as allauth stores its addresses.
    return address.strip().lower()


def users_with_email(address: str) -> models.QuerySet:
    """Accounts that have `address`: as their user.email or as a verified allauth address."""
    verified = EmailAddress.objects.filter(email__iexact=address, verified=True)
    return get_user_model().objects.filter(
        Q(email__iexact=address) | Q(pk__in=verified.values("user_id")), is_active=True
    )


def has_email(user, address: str) -> bool:
    return users_with_email(address).filter(pk=user.pk).exists()


class InvitationError(Exception):
    """Refused; nothing changed. The message is for the person who asked."""


class AlreadyMember(InvitationError):
    pass


class AlreadyInvited(InvitationError):
    def __init__(self, message: str, invitation: "Invitation"):
        super().__init__(message)
        self.invitation = invitation


class NotUsable(InvitationError):
    """The link was used, revoked or has expired."""


class WrongAccount(InvitationError):
    pass


class InvitationQuerySet(models.QuerySet):
    def open(self) -> "InvitationQuerySet":
        """Neither accepted nor revoked (an expired one is still open: it can be resent)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def by_token(self, token: str) -> "Invitation | None":
        return self.by_hash(hash_token(token))

    def by_hash(self, token_hash: str) -> "Invitation | None":
        return self.select_related("project", "invited_by").filter(token_hash=token_hash).first()


class Invitation(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Unique, hence indexed: following a link looks the invitation up by its token's hash.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            # One open invitation per address and project: a second invite offers a resend.
            models.UniqueConstraint(
                fields=["project", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.role}) to {self.project}"

    # --- what it is ----------------------------------------------------------------------
    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.is_expired else "pending"

    @property
    def inviter_name(self) -> str:
        if self.invited_by is None:
            return "an owner of the project"
        return str(getattr(self.invited_by, "profile", "") or self.invited_by.username)

    @staticmethod
    def lifetime() -> timedelta:
        return timedelta(days=settings.INVITATION_EXPIRY_DAYS)

    # --- sending -------------------------------------------------------------------------
    @classmethod
    def send(cls, project: Project, email: str, role: str, by, site_url: str) -> "Invitation":
        """Invite `email` to `project` as `role` and mail them the link (under `site_url`).

        AlreadyMember or AlreadyInvited (a pending invitation exists) refuse it; an expired one
        for the address is renewed with the new role instead."""
        email, role = normalise_email(email), Role(role)
        member = project.memberships.filter(user__in=users_with_email(email)).first()
        if member is not None:
            raise AlreadyMember(f"{email} is already a member of {project.name} ({member.user}).")
        token, token_hash = new_token()
        now = timezone.now()
        with transaction.atomic():
            existing = cls.objects.select_for_update().open().filter(project=project, email=email)
            existing = existing.first()
            if existing is not None and not existing.is_expired:
                raise AlreadyInvited(
                    f"{email} is already invited (sent {day(existing.sent_at)}); "
                    "resend the invitation if it did not arrive.",
                    existing,
                )
            if existing is not None:
                existing.role = role
                existing.invited_by = by
                existing._renew(token_hash, now)
                existing.mail(token, site_url)
                return existing
            try:
                with transaction.atomic():
                    invitation = cls.objects.create(
                        project=project,
                        email=email,
                        role=role,
                        invited_by=by,
                        token_hash=token_hash,
                        sent_at=now,
                        expires_at=now + cls.lifetime(),
                    )
            except IntegrityError:  # the same address invited at the same moment by another owner
                pending = cls.objects.open().get(project=project, email=email)
                raise AlreadyInvited(
                    f"{email} was just invited by someone else.", pending
                ) from None
            invitation.mail(token, site_url)
        return invitation

    def resend(self, site_url: str) -> None:
        """Mail a new link (the old one stops working) with a new expiry."""
        token, token_hash = new_token()
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().open().filter(pk=self.pk).first()
            if locked is None:
                raise NotUsable(
                    f"The invitation to {self.email} was accepted or revoked meanwhile."
                )
            self._renew(token_hash, timezone.now())
            self.mail(token, site_url)

    def mail(self, token: str, site_url: str) -> None:
        link = site_url.rstrip("/") + reverse("invitation", args=[token])
        context = {"invitation": self, "link": link, "role_help": ROLE_HELP[self.role]}
        subject = f"{self.inviter_name} invited you to {self.project.name} on PlanHub"
        queue_mail(
            self.email,
            " ".join(subject.split()),  # a line break in a name would make the header invalid
            render_to_string("invitations/mail.txt", context),
            render_to_string("invitations/mail.html", context),
            kind="invitation",
            holds_secret=True,
        )

    def _renew(self, token_hash: str, now) -> None:
        self.token_hash = token_hash
        self.sent_at = now
        self.expires_at = now + self.lifetime()
        self.save(update_fields=["token_hash", "sent_at", "expires_at", "role", "invited_by"])

    def revoke(self, by) -> None:
        updated = (
            Invitation.objects.open()
            .filter(pk=self.pk)
            .update(revoked_at=timezone.now(), revoked_by=by)
        )
        if not updated:
            raise NotUsable(f"The invitation to {self.email} was accepted or revoked meanwhile.")

    # --- following the link ----------------------------------------------------------------
    def check_usable(self) -> None:
        """NotUsable with what happened to the link, and whom to ask."""
        ask = f"Ask {self.inviter_name} to invite you again."
        if self.accepted_at:
            raise NotUsable(f"This invitation has already been used. {ask}")
        if self.revoked_at:
            raise NotUsable(f"This invitation was withdrawn. {ask}")
        if self.is_expired:
            raise NotUsable(f"This invitation expired on {day(self.expires_at)}. {ask}")

    def accept(self, user) -> tuple[Membership, bool]:
        """Make `user` a member with the invited role and use the invitation up: (membership,
        whether they joined now: False when they were a member already, role unchanged).

        The inviter is told, and the project's webhooks get member.joined. NotUsable or
        WrongAccount (the user does not have the address) refuse it."""
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=self.pk)
            locked.check_usable()
            if not has_email(user, locked.email):
                raise WrongAccount(
                    f"This invitation is for {locked.email}; you are logged in as {user.username}, "
                    "whose account does not have that address."
                )
            now = timezone.now()
            Invitation.objects.filter(pk=self.pk).update(accepted_at=now, accepted_by=user)
            member = Membership.objects.filter(project_id=locked.project_id, user=user).first()
            if member is None:
                member = Membership.add(project=self.project, user=user, role=locked.role, by=user)
                locked.project = self.project
                locked.announce_join(user)
                joined = True
            else:
                joined = False
        self.accepted_at, self.accepted_by = now, user
        return member, joined

    def announce_join(self, user) -> None:
        project = self.project
        role = Role(self.role).label
        if self.invited_by is not None:
            notify(
                Event.INVITATION_ACCEPTED,
                [self.invited_by],
                title=f"{user.username} accepted your invitation to {project.name}",
                detail=f"{user.username} ({self.email}) joined as {role}.",
                url=reverse("members", args=[project.slug]),
                actor=user,
                project=project,
            )
        publish(
            project,
            WebhookEvent.MEMBER_JOINED,
            {
                "title": f"{user.username} joined as {self.get_role_display().lower()}",
                "url": settings.SITE_URL + reverse("members", args=[project.slug]),
                "actor": user.username,
                "user": user.username,
                "role": self.role,
                "invited_by": self.invited_by.username if self.invited_by else None,
            },
        )
