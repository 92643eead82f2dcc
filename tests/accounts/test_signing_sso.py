"""Signing by single sign-on: an account without a password re-authenticates at its identity
provider (a real django-oidc-provider, tests/accounts/oidc_provider/), asked for a fresh log-in
(prompt=login); the decision waits in the session and is recorded only when the
provider's log-in is fresh and the plan's content is still what the signer saw."""

import re
import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from planhub.accounts import reauthentication
from planhub.reviews.models import SignOff
from planhub.reviews.status import review_plan
from tests.factories import add_member, make_plan, make_project, make_user

from .oidc_provider import fixtures, process
from .test_sso import csrf, sso_login

providers = fixtures.providers
configure = fixtures.configure
User = get_user_model()
TEXT = "# Launch\n\nWhy.\n\n## Scope\n\nEU\n"


def assigned_plan(user):
    project = make_project(owner=make_user("olivia"), slug="apollo")
    add_member(project, user, "reviewer")
    plan = make_plan(project, text=TEXT)
    slot = plan.signoff_slots.get()
    slot.assign(user, by=None)
    return plan, slot


def provider_log_in(browser: requests.Session, page: requests.Response, username: str):
    """Submit the provider's log-in form that `page` shows."""
    assert "Test identity provider" in page.text, page.text[:500]
    next_field = re.search(r'name="next" value="([^"]*)"', page.text).group(1)
    return browser.post(
        urljoin(page.url, "/login/"),
        data={
            "csrfmiddlewaretoken": csrf(page),
            "username": username,
            "password": process.PASSWORD,
            "next": next_field.replace("&amp;", "&"),
        },
    )


def test_sso_round_trip_signs_with_a_fresh_log_in(live_server, configure):
    _, browser = sso_login(live_server, "corp", "ann")  # logged in to PlanHub and the provider
    ann = User.objects.get(username="ann")
    plan, slot = assigned_plan(ann)
    page = browser.get(live_server.url + plan.get_absolute_url())
    assert "Your password" not in page.text or ann.has_usable_password() is False
    decide = live_server.url + reverse("signoff_decide", args=["apollo", plan.pk, slot.pk])
    data = {
        "csrfmiddlewaretoken": csrf(page),
        "decision": "signed",
        "reason": "Ship it",
        "content_hash": review_plan(plan).content_hash,
    }
    confirm = browser.post(decide, data=data)
    assert urlsplit(confirm.url).path.endswith(f"/signoffs/{slot.pk}/sso/")
    assert "Log in there again to confirm it is you".lower() in confirm.text.lower()
    assert "Continue to Corp Login" in confirm.text and not SignOff.objects.exists()

    # The provider is asked for a new log-in although ann is still logged in there.
    action = re.search(r'action="([^"]+)" class="sso-continue"', confirm.text).group(1)
    at_provider = browser.post(
        urljoin(confirm.url, action.replace("&amp;", "&")),
        data={"csrfmiddlewaretoken": csrf(confirm)},
    )
    authorize = next(
        r.headers["Location"]
        for r in at_provider.history
        if "/openid/authorize" in r.headers.get("Location", "")
    )
    query = parse_qs(urlsplit(authorize).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["60"]
    assert not SignOff.objects.exists()
    back = provider_log_in(browser, at_provider, "ann")
    assert back.status_code == 200 and urlsplit(back.url).path == plan.get_absolute_url()
    signoff = SignOff.objects.get()
    assert signoff.identity_check == "sso:corp"
    assert signoff.printed_name == "Ann Archer" and signoff.meaning == "Plan approval: approved"
    assert signoff.reason == "Ship it"
    assert "identity: sso:corp" in back.text and "Ann Archer" in back.text
    # The confirmation is used once: coming back again records nothing more.
    again = browser.get(live_server.url + reverse("signoff_sso", args=["apollo", plan.pk, slot.pk]))
    assert SignOff.objects.count() == 1 and urlsplit(again.url).path == plan.get_absolute_url()

    # Someone else logging in at the provider confirms nothing.
    page = browser.get(live_server.url + plan.get_absolute_url())
    data |= {"csrfmiddlewaretoken": csrf(page), "decision": "declined", "reason": "No"}
    confirm = browser.post(decide, data=data)
    action = re.search(r'action="([^"]+)" class="sso-continue"', confirm.text).group(1)
    at_provider = browser.post(
        urljoin(confirm.url, action.replace("&amp;", "&")),
        data={"csrfmiddlewaretoken": csrf(confirm)},
    )
    back = provider_log_in(browser, at_provider, "lee")
    assert back.status_code == 403 and "did not confirm a new log-in" in back.text
    assert SignOff.objects.count() == 1
    assert logged_in_as_ann(live_server, browser)


def logged_in_as_ann(live_server, browser) -> bool:
    """Signing never changes who is logged in to PlanHub."""
    return "Ann Archer" in browser.get(live_server.url + "/").text


def sso_user(client):
    user = User.objects.create_user("sam", password=None)
    SocialAccount.objects.create(user=user, provider="corp", uid="7")
    plan, slot = assigned_plan(user)
    client.force_login(user)
    return user, plan, slot


def post_decision(client, plan, slot, **headers):
    data = {"decision": "signed", "content_hash": review_plan(plan).content_hash}
    url = reverse("signoff_decide", args=["apollo", plan.pk, slot.pk])
    return client.post(url, data, **headers)


def come_back(client, user, auth_time):
    """What allauth's answer from the provider brings: pre_social_login with the sociallogin."""
    request = SimpleNamespace(session=client.session, user=user)
    account = SimpleNamespace(provider="corp", extra_data={"id_token": {"auth_time": auth_time}})
    sociallogin = SimpleNamespace(
        account=account, user=user, is_existing=True, state={"process": "redirect"}
    )
    reauthentication.note_sso_log_in(None, request, sociallogin)
    request.session.save()


def test_a_log_in_older_than_the_signing_records_nothing(client, db):
    user, plan, slot = sso_user(client)
    assert post_decision(client, plan, slot)["Location"].endswith(f"/signoffs/{slot.pk}/sso/")
    come_back(client, user, auth_time=int(time.time()) - 3600)  # the provider kept its session
    response = client.get(reverse("signoff_sso", args=["apollo", plan.pk, slot.pk]))
    assert response.status_code == 403
    assert "did not confirm a new log-in" in response.content.decode()
    assert not SignOff.objects.exists()


def test_content_changed_while_at_the_provider_records_nothing(client, db):
    user, plan, slot = sso_user(client)
    post_decision(client, plan, slot)
    section = plan.sections.get(heading="Scope")
    section.plan = plan
    section.save_edit(author=user, heading="Scope", body="EU and UK", base_version=1)
    come_back(client, user, auth_time=int(time.time()) + 1)
    response = client.get(reverse("signoff_sso", args=["apollo", plan.pk, slot.pk]))
    assert response.status_code == 409 and not SignOff.objects.exists()
    assert "The plan changed while you were reading it" in response.content.decode()


def test_htmx_sends_the_browser_to_the_confirmation_page(client, db):
    _, plan, slot = sso_user(client)
    form = client.get(plan.get_absolute_url()).content.decode()
    assert "You will log in again at corp" in form and 'type="password"' not in form
    response = post_decision(client, plan, slot, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("signoff_sso", args=["apollo", plan.pk, slot.pk])
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "Continue to corp" in page and "prompt%3Dlogin%26max_age%3D60" in page


def test_an_account_without_password_or_provider_cannot_sign(client, db):
    user = User.objects.create_user("nopass", password=None)
    plan, slot = assigned_plan(user)
    client.force_login(user)
    response = post_decision(client, plan, slot)
    assert response.status_code == 403 and "Set a password" in response.content.decode()
    assert not SignOff.objects.exists()
