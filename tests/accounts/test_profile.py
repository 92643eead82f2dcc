"""/accounts/profile/: display name, time zone, links to every account page, sessions and
"log out everywhere"."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planhub.accounts.models import Profile
from planhub.accounts.time_zones import TIME_ZONES
from planhub.mail.models import OutgoingMail

PROFILE = "/accounts/profile/"


@pytest.fixture
def mailer(settings):
    settings.EMAIL_URL = "console:"


def logged_in(user, password, agent="Firefox on the laptop") -> Client:
    """A browser that logged in through the form (so its session is recorded)."""
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post("/accounts/login/", {"login": user.username, "password": password})
    assert response.status_code == 302
    return client


def test_the_profile_links_every_account_page(client, owner):
    client.force_login(owner)
    html = client.get(PROFILE).content.decode()
    for href in (
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/tokens/",
        "/notifications/preferences/",
        "/accounts/profile/logout-everywhere/",
    ):
        assert f'href="{href}"' in html or f'action="{href}"' in html, href
    assert '<label for="id_time_zone">Time zone</label>' in html
    assert '<option value="Europe/Berlin">Europe/Berlin</option>' in html


def test_saving_name_and_zone(client, owner):
    client.force_login(owner)
    response = client.post(PROFILE, {"display_name": "Olivia O.", "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302 and response["Location"] == PROFILE
    profile = Profile.of(owner)
    assert (profile.display_name, profile.time_zone) == ("Olivia O.", "Asia/Tokyo")
    html = client.get(PROFILE).content.decode()
    assert "Profile saved." in html
    assert '<a class="whoami" href="/accounts/profile/" title="Your profile">Olivia O.</a>' in html


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "", "utc; drop table", "../etc/passwd", "x" * 500]
)
def test_a_zone_that_is_not_one_of_the_list_is_refused_and_nothing_changes(client, owner, zone):
    client.force_login(owner)
    response = client.post(PROFILE, {"display_name": "Kept", "time_zone": zone})
    html = response.content.decode()
    assert response.status_code == 422 and 'role="alert"' in html
    assert 'value="Kept"' in html
    assert Profile.of(owner).time_zone == "UTC" and Profile.of(owner).display_name == ""


def test_a_too_long_name_is_refused(client, owner):
    client.force_login(owner)
    response = client.post(PROFILE, {"display_name": "n" * 151, "time_zone": "UTC"})
    assert response.status_code == 422
    assert "Ensure this value has at most 150 characters" in response.content.decode()


def test_the_profile_needs_a_log_in(client, db):
    assert client.get(PROFILE)["Location"] == f"/accounts/login/?next={PROFILE}"


def test_sessions_are_listed_and_log_out_everywhere_ends_them_all(owner, password, db):
    laptop = logged_in(owner, password)
    phone = logged_in(owner, password, agent="Safari on the phone")
    html = laptop.get(PROFILE).content.decode()
    assert "Firefox on the laptop" in html and "Safari on the phone" in html
    assert html.count("This browser") == 1

    response = laptop.post("/accounts/profile/logout-everywhere/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    for browser in (laptop, phone):
        assert browser.get(PROFILE)["Location"].startswith("/accounts/login/")
    follow = Client().get("/")  # someone else is not affected (nothing shared)
    assert follow.status_code == 302


def test_log_out_everywhere_is_a_post(client, owner):
    client.force_login(owner)
    assert client.get("/accounts/profile/logout-everywhere/").status_code == 405
    assert client.get(PROFILE).status_code == 200


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(zone=st.one_of(st.sampled_from(TIME_ZONES), st.text(max_size=80)))
def test_any_zone_text_is_saved_only_when_it_is_a_listed_zone(client, owner, zone):
    """Whatever is posted: a listed IANA zone is saved, anything else is a 422 that changes
    nothing (never a 500)."""
    Profile.objects.update_or_create(user=owner, defaults={"time_zone": "UTC"})
    client.force_login(owner)
    response = client.post(PROFILE, {"display_name": "", "time_zone": zone})
    saved = Profile.of(owner).time_zone
    if zone in TIME_ZONES:
        assert response.status_code == 302 and saved == zone
    else:
        assert response.status_code == 422 and saved == "UTC"


def test_log_out_everywhere_says_so_on_the_log_in_page(owner, password, db):
    browser = logged_in(owner, password)
    response = browser.post("/accounts/profile/logout-everywhere/", follow=True)
    assert "Logged out everywhere: 1 session ended, this one included." in (
        response.content.decode()
    )


def test_a_password_change_is_told_by_mail_through_the_outbox(client, owner, password, mailer):
    owner.email = "olivia@example.com"
    owner.save()
    client.force_login(owner)
    new = "another-long-passphrase-7"
    response = client.post(
        "/accounts/password/change/", {"oldpassword": password, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    [mail] = OutgoingMail.objects.all()
    assert mail.to == "olivia@example.com" and mail.kind == "account/password_changed"
    assert "Your password has been changed" in mail.text and "<html" in mail.html


def test_verification_is_offered_only_where_mail_is_sent(client, owner, settings):
    owner.email = "olivia@example.com"
    owner.save()
    client.force_login(owner)
    client.post("/accounts/email/", {"action_add": "", "email": "second@example.com"})
    assert "Re-send Verification" not in client.get("/accounts/email/").content.decode()
    settings.EMAIL_URL = "console:"
    assert "Re-send Verification" in client.get("/accounts/email/").content.decode()
