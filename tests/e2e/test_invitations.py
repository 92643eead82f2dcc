"""Invitations in the browser: the owner invites from the members page (the panel HTMX loads
there), the invitee opens the link from the mail, signs up (SIGNUP=invite) and lands in the
project with the role. Screenshots of the members page with pending invitations and of the
invitation page at 1280 and 375 px wide."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planhub.invitations.models import Invitation
from planhub.mail.models import OutgoingMail
from planhub.projects.models import Membership

from .test_accessibility import check_axe

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("INVITATION_SHOTS", "/tmp/shots/invites"))
LINK = re.compile(r"http://[^/\s]+(/invitations/[A-Za-z0-9_-]{43}/)")
PASSWORD = "a-long-new-passphrase-7"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name


@pytest.mark.parametrize("width", [1280, 375])
def test_invite_open_the_mailed_link_sign_up_and_join(
    open_page, live_server, owner, project, settings, console_errors, width
):
    settings.SIGNUP = "invite"
    console_errors.allow(r"status of 422 .*@ .*/p/apollo/invitations/$")
    viewport = {"width": width, "height": 800}
    page = open_page(owner, "/p/apollo/members/", viewport=viewport)
    panel = page.locator("section#invitations")
    expect(panel.get_by_role("heading", name="Invite by e-mail")).to_be_visible()
    page.evaluate("window.__marker = 1")

    # A wrong address first: refused, the text kept, no reload.
    panel.get_by_label("E-mail address").fill("ivy@example")
    panel.get_by_role("button", name="Send invitation").click()
    expect(panel.get_by_text("is not an e-mail address")).to_be_visible()
    expect(panel.get_by_label("E-mail address")).to_have_value("ivy@example")
    expect(panel.get_by_label("E-mail address")).to_be_focused()

    panel.get_by_label("E-mail address").fill("ivy@example.com")
    panel.get_by_label("Role").select_option("reviewer")
    panel.get_by_role("button", name="Send invitation").click()
    expect(panel.get_by_text("Invitation sent to ivy@example.com as Reviewer.")).to_be_visible()
    expect(page.locator("#announcer")).to_have_text(
        "Invitation sent to ivy@example.com as Reviewer."
    )
    panel.get_by_label("E-mail address").fill(
        "a.very.long.address.for.the.layout@subdomain.example.org"
    )
    panel.get_by_role("button", name="Send invitation").click()
    rows = panel.locator("table.invitation-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="ivy@example.com")).to_contain_text("Reviewer")
    expect(rows.filter(has_text="ivy@example.com")).to_contain_text("olivia")
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    shoot(page, f"members-pending-{width}")
    check_axe(page, f"members-invitations-{width}")

    # The invitee opens the link from the mail, in a browser of their own.
    mail = OutgoingMail.objects.get(to="ivy@example.com", kind="invitation")
    link = LINK.search(mail.text).group(1)
    invitee = open_page(None, link, viewport=viewport)
    expect(invitee.get_by_role("heading", name="Join Apollo", level=1)).to_be_visible()
    expect(invitee.locator("main")).to_contain_text("olivia invited ivy@example.com")
    expect(invitee.locator("main")).to_contain_text("Reviewer")
    shoot(invitee, f"invitation-{width}")
    check_axe(invitee, f"invitation-{width}")

    invitee.get_by_role("button", name="Create an account and join").click()
    # The sign-up page is allauth's (restyled elsewhere): its fields by name.
    expect(invitee.locator("input[name=email]")).to_have_value("ivy@example.com")
    invitee.locator("input[name=username]").fill("ivy")
    invitee.locator("input[name=password1]").fill(PASSWORD)
    invitee.locator("input[name=password2]").fill(PASSWORD)
    invitee.locator("form:has(input[name=password1]) [type=submit]").first.click()

    expect(invitee).to_have_url(live_server.url + "/p/apollo/")
    expect(invitee.locator("#flash")).to_contain_text("Welcome to Apollo: you joined as Reviewer.")
    membership = Membership.objects.get(project=project, user__username="ivy")
    assert membership.role == "reviewer"
    assert Invitation.objects.get(email="ivy@example.com").state == "accepted"

    # The owner's list no longer shows it as pending.
    page.reload()
    expect(panel.locator("table.invitation-list tbody tr")).to_have_count(1)


def test_an_expired_link_says_whom_to_ask(open_page, live_server, owner, project, console_errors):
    console_errors.allow(r"status of 410 .*@ .*/invitations/")
    invitation = Invitation.send(
        project, "ivy@example.com", "editor", by=owner, site_url="http://x/"
    )
    link = LINK.search(OutgoingMail.objects.get().text).group(1)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    page = open_page(None, None, viewport={"width": 375, "height": 800})
    response = page.goto(live_server.url + link)
    assert response.status == 410
    expect(page.get_by_role("alert")).to_contain_text("This invitation expired on")
    expect(page.get_by_role("alert")).to_contain_text("Ask olivia to invite you again.")
    shoot(page, "invitation-expired-375")
    check_axe(page, "invitation-expired")


def test_without_javascript_the_members_page_links_to_the_invitations_page(
    open_page, live_server, owner, project
):
    page = open_page(owner, "/p/apollo/members/", javascript=False)
    page.get_by_role("link", name="Invite someone by e-mail, and see pending invitations").click()
    expect(page.get_by_role("heading", name="Invitations to Apollo", level=1)).to_be_visible()
    page.get_by_label("E-mail address").fill("ivy@example.com")
    page.get_by_label("Role").select_option("viewer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page).to_have_url(live_server.url + "/p/apollo/invitations/")
    expect(page.locator("#flash")).to_contain_text("Invitation sent to ivy@example.com as Viewer.")
    row = page.locator("table.invitation-list tbody tr")
    expect(row).to_have_count(1)
    row.get_by_role("button", name="Revoke the invitation to ivy@example.com").click()
    expect(page.locator("#flash")).to_contain_text("Revoked the invitation to ivy@example.com.")
    expect(page.get_by_text("No pending invitations.")).to_be_visible()
