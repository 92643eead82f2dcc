"""Invitation rules, whatever the owners do in whatever order: one open invitation per address,
only the newest link works, and it works once."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planhub.invitations.models import (
    AlreadyInvited,
    Invitation,
    InvitationError,
    NotUsable,
    users_with_email,
)
from planhub.mail.models import OutgoingMail
from tests.factories import make_user

from .conftest import INVITEE, LINK

SITE = "http://testserver/"
ACTIONS = st.lists(
    st.sampled_from(["invite", "resend", "revoke", "expire", "invite_viewer"]), max_size=10
)


def tokens_mailed() -> list[str]:
    mails = OutgoingMail.objects.filter(to=INVITEE, kind="invitation").order_by("pk")
    return [LINK.search(mail.text).group(1).split("/")[2] for mail in mails]


def act(action: str, project, owner) -> None:
    current = Invitation.objects.open().filter(project=project, email=INVITEE).first()
    try:
        if action.startswith("invite"):
            role = "viewer" if action == "invite_viewer" else "editor"
            Invitation.send(project, INVITEE, role, by=owner, site_url=SITE)
        elif current is not None and action == "resend":
            current.resend(site_url=SITE)
        elif current is not None and action == "revoke":
            current.revoke(by=owner)
        elif current is not None and action == "expire":
            Invitation.objects.filter(pk=current.pk).update(expires_at=timezone.now())
    except AlreadyInvited:
        pass


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_only_the_newest_link_of_an_open_invitation_works_and_only_once(project, owner, actions):
    with transaction.atomic():
        for action in actions:
            act(action, project, owner)
        assert Invitation.objects.open().filter(email=INVITEE).count() <= 1
        tokens = tokens_mailed()
        usable = []
        for token in tokens:
            invitation = Invitation.objects.by_token(token)
            if invitation is None:
                continue
            try:
                invitation.check_usable()
            except NotUsable:
                continue
            usable.append(token)
        open_one = Invitation.objects.open().filter(email=INVITEE).first()
        if open_one is not None and not open_one.is_expired:
            assert usable == [tokens[-1]]  # the newest mail's link, and no other
            ivy = make_user("ivy")
            ivy.email = INVITEE
            ivy.save()
            member, joined = Invitation.objects.by_token(tokens[-1]).accept(ivy)
            assert joined and member.role == open_one.role
            with pytest.raises(InvitationError):
                Invitation.objects.by_token(tokens[-1]).accept(ivy)
        else:
            assert usable == []
        transaction.set_rollback(True)


def test_an_inactive_account_does_not_have_the_address(db):
    user = make_user("ivy")
    user.email = INVITEE
    user.is_active = False
    user.save()
    assert not users_with_email(INVITEE).exists()


def test_resend_after_revoke_is_refused(project, owner):
    invitation = Invitation.send(project, INVITEE, "editor", by=owner, site_url=SITE)
    invitation.revoke(by=owner)
    with pytest.raises(NotUsable):
        invitation.resend(site_url=SITE)
    assert OutgoingMail.objects.count() == 1


def test_an_expired_invitation_is_renewed_not_duplicated(project, owner):
    first = Invitation.send(project, INVITEE, "editor", by=owner, site_url=SITE)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    second = Invitation.send(project, INVITEE, "reviewer", by=owner, site_url=SITE)
    assert second.pk == first.pk and Invitation.objects.count() == 1
    assert Invitation.objects.get().role == "reviewer"
