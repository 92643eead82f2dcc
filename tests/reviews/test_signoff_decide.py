"""Signing off (or declining) a plan: the flow, re-authentication (password, TOTP, throttle),
races on the content, bad input, the signature record."""

import datetime
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.utils import timezone

from planhub.accounts.models import LoginFailure, Profile
from planhub.ledger.chain import Action
from planhub.reviews import models
from planhub.reviews.models import SignOff
from planhub.reviews.status import review_plan
from tests.factories import PASSWORD

from .conftest import HX, plan_url


def totp_code(secret: str) -> str:
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 2:
        time.sleep(2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


@pytest.fixture
def slot(owner, reviewer, section):
    slot = section.plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    return slot


def decide(client, slot, decision="signed", reason="", password=PASSWORD, **extra):
    data = {
        "decision": decision,
        "reason": reason,
        "content_hash": review_plan(slot.plan).content_hash,
        "password": password,
        **extra,
    }
    return client.post(plan_url(slot.plan, "signoff_decide", slot.pk), data, **HX)


def test_signoff_flow_and_table(client, owner, reviewer, section):
    plan = section.plan
    slot = plan.signoff_slots.get()
    membership = plan.project.memberships.get(user=reviewer)
    client.force_login(owner)
    response = client.post(
        plan_url(plan, "signoff_assign", slot.pk), {"assignee": membership.pk}, **HX
    )
    assert "rita (reviewer)</option>" in response.content.decode()
    client.force_login(reviewer)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Your decision on “Plan approval”" in html
    assert "Signing is a legal signature: confirm it is you" in html
    assert 'type="password" autocomplete="current-password"' in html
    response = client.post(
        plan_url(plan, "signoff_decide", slot.pk),
        {"decision": "declined", "content_hash": review_plan(plan).content_hash},
        **HX,
    )
    assert response.status_code == 422
    assert "Give a reason for declining" in response.content.decode()
    response = client.post(
        plan_url(plan, "signoff_decide", slot.pk),
        {"decision": "signed", "content_hash": "0" * 64, "password": PASSWORD},
        **HX,
    )
    assert (
        response.status_code == 409
        and "The plan changed while you were reading it" in response.content.decode()
    )
    response = decide(client, slot)
    assert response.status_code == 200 and "Signed off" in response.content.decode()


def test_wrong_or_missing_password_records_nothing_and_keeps_the_reason(client, reviewer, slot):
    client.force_login(reviewer)
    response = decide(client, slot, "declined", "Risks unclear", password="wrong")
    html = response.content.decode()
    assert response.status_code == 422  # htmx swaps it in
    assert "That password is not right" in html and "Nothing was recorded" in html
    assert 'value="Risks unclear"' in html and "You chose: Decline" in html
    response = decide(client, slot, "declined", "Risks unclear", password="")
    assert "Enter your password" in response.content.decode()
    # Without JavaScript: a 403 page with the same form.
    data = {
        "decision": "signed",
        "reason": "LGTM",
        "content_hash": review_plan(slot.plan).content_hash,
        "password": "nope",
    }
    response = client.post(plan_url(slot.plan, "signoff_decide", slot.pk), data)
    assert response.status_code == 403
    assert "That password is not right" in response.content.decode()
    assert 'value="LGTM"' in response.content.decode()
    assert not SignOff.objects.exists()


def test_failures_are_throttled_like_log_ins(client, reviewer, slot, settings):
    settings.LOGIN_FAILURES_PER_USER = 3
    client.force_login(reviewer)
    for _ in range(3):
        assert "not right" in decide(client, slot, password="wrong").content.decode()
    response = decide(client, slot)  # the right password, too late
    assert "Too many failed attempts: try again in" in response.content.decode()
    assert not SignOff.objects.exists()
    # The log-in form counts the same failures.
    assert LoginFailure.objects.filter(username="rita").count() == 3


def test_success_clears_the_failures(client, reviewer, slot):
    client.force_login(reviewer)
    decide(client, slot, password="wrong")
    assert decide(client, slot).status_code == 200
    assert not LoginFailure.objects.filter(username="rita").exists()


def test_the_signature_record(client, reviewer, slot):
    profile = Profile.of(reviewer)
    profile.display_name, profile.time_zone = "Rita Reviewer", "Europe/Berlin"
    profile.save()
    client.force_login(reviewer)
    before = timezone.now()
    response = decide(client, slot)
    signoff = SignOff.objects.get()
    assert signoff.printed_name == "Rita Reviewer"
    assert signoff.time_zone == "Europe/Berlin"
    assert signoff.meaning == "Plan approval: approved"
    assert signoff.identity_check == "password"
    assert signoff.content_hash == review_plan(slot.plan).content_hash
    assert before <= signoff.created_at <= timezone.now()
    html = response.content.decode()
    local = timezone.localtime(signoff.created_at, timezone=profile.zone)
    utc = signoff.created_at.astimezone(datetime.UTC)
    assert "Rita Reviewer" in html and "“Plan approval: approved”" in html
    assert f"{utc:%Y-%m-%d %H:%M} UTC" in html
    assert f"({local:%Y-%m-%d %H:%M} Europe/Berlin)" in html
    assert signoff.content_hash[:12] in html and "identity: password" in html


def test_declined_meaning_and_name_fallbacks(client, reviewer, slot):
    reviewer.first_name, reviewer.last_name = "Rita", "Q."
    reviewer.save()
    client.force_login(reviewer)
    decide(client, slot, "declined", "Risks unclear")
    signoff = SignOff.objects.get()
    assert signoff.meaning == "Plan approval: declined: Risks unclear"
    assert signoff.printed_name == "Rita Q." and signoff.time_zone == "UTC"


def test_totp_account_needs_a_fresh_code_used_once(client, reviewer, slot):
    secret = generate_totp_secret()
    TOTP.activate(reviewer, secret)
    client.force_login(reviewer)
    html = client.get(slot.plan.get_absolute_url()).content.decode()
    assert "Code from your authenticator app" in html
    response = decide(client, slot)
    assert "Enter the code from your authenticator app" in response.content.decode()
    response = decide(client, slot, code="000000" if totp_code(secret) != "000000" else "111111")
    assert "password or authenticator code is not right" in response.content.decode()
    code = totp_code(secret)
    response = decide(client, slot, "declined", "Not yet", code=code)
    assert response.status_code == 200
    assert SignOff.objects.get().identity_check == "password+totp"
    response = decide(client, slot, code=code)  # the same code again
    assert "not right (each code can be used once)" in response.content.decode()
    assert SignOff.objects.count() == 1


def test_account_without_password_or_provider_cannot_sign(client, reviewer, slot):
    reviewer.set_unusable_password()
    reviewer.save()
    client.force_login(reviewer)
    response = decide(client, slot)
    assert response.status_code == 422  # htmx: the form again, with why
    assert "Set a password on your account page" in response.content.decode()
    assert not SignOff.objects.exists()


def test_decide_queries_do_not_grow_with_sections(
    client, owner, reviewer, section, django_assert_max_num_queries
):
    plan = section.plan
    assert plan.sections.count() > 30
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    client.force_login(reviewer)
    # 20 before re-authentication; now the throttle's count (5), the TOTP and profile reads
    # too, and the ledger entry (3: the head's lock, the entry, the head).
    with django_assert_max_num_queries(31):
        response = decide(client, slot)
    assert response.status_code == 200 and slot.signoffs.exists()


def test_the_ledger_gets_the_signature(client, reviewer, slot, monkeypatch):
    appended = []
    monkeypatch.setattr(models, "append", lambda **entry: appended.append(entry))
    client.force_login(reviewer)
    decide(client, slot, password="wrong")
    assert appended == []  # refused: nothing recorded, nothing in the ledger
    decide(client, slot, "declined", "Risks unclear")
    signoff = SignOff.objects.get()
    [entry] = appended
    assert entry["action"] == Action.SIGNOFF and entry["target"] == signoff
    assert entry["project_id"] == slot.plan.project_id and entry["actor"] == reviewer
    assert entry["data"] == {
        "plan_id": slot.plan_id,
        "slot": slot.pk,
        "slot_name": "Plan approval",
        "user": reviewer.pk,
        "decision": "declined",
        "reason": "Risks unclear",
        "content_hash": signoff.content_hash,
        "printed_name": "rita",
        "time_zone": "UTC",
        "meaning": "Plan approval: declined: Risks unclear",
        "identity_check": "password",
        "signed_at": signoff.created_at.isoformat(),
    }


def test_security_key_account_needs_the_key_and_a_bad_assertion_records_nothing(
    client, reviewer, slot
):
    Authenticator.objects.create(user=reviewer, type=Authenticator.Type.WEBAUTHN, data={})
    client.force_login(reviewer)
    html = client.get(slot.plan.get_absolute_url()).content.decode()
    assert "Your security key is asked for when you sign off or decline" in html
    assert 'data-signing-key="/accounts/signing/key/"' in html
    response = decide(client, slot)  # no JavaScript: no assertion
    assert "Confirm with your security key as well" in response.content.decode()
    response = decide(client, slot, key='{"id": "forged"}')
    assert "That password or security key is not right" in response.content.decode()
    assert not SignOff.objects.exists()
    assert LoginFailure.objects.filter(username="rita").count() == 1  # counted like a log-in


def test_key_options_give_a_challenge(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/accounts/signing/key/")
    assert response.status_code == 200
    assert response.json()["request_options"]["publicKey"]["challenge"]
