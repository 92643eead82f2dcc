"""Migration 0005: sign-offs made before the signature record get what can be known (the
signer's name and zone as they are now, the meaning from the slot and decision); how the
identity was checked was never recorded, and the record says so."""

import importlib

from django.apps import apps

from planhub.accounts.models import Profile
from planhub.reviews.models import SignOff
from planhub.reviews.status import review_plan

migration = importlib.import_module("planhub.reviews.migrations.0006_signature_record")


def test_old_signoffs_are_filled_as_far_as_known(owner, reviewer, section):
    plan = section.plan
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    seen = review_plan(plan).content_hash
    declined = SignOff.record(slot, user=reviewer, decision="declined", reason="No", seen_hash=seen)
    signed = SignOff.record(slot, user=reviewer, decision="signed", reason="", seen_hash=seen)
    SignOff.objects.update(printed_name="", meaning="", time_zone="UTC", identity_check="")
    Profile.objects.update_or_create(
        user=reviewer, defaults={"display_name": "Rita R.", "time_zone": "Asia/Tokyo"}
    )

    migration.fill_known_parts(apps, None)

    declined.refresh_from_db()
    signed.refresh_from_db()
    assert declined.meaning == "Plan approval: declined: No"
    assert signed.meaning == "Plan approval: approved"
    for signoff in (declined, signed):
        assert signoff.printed_name == "Rita R." and signoff.time_zone == "Asia/Tokyo"
        assert signoff.identity_check == "not recorded"
        assert signoff.content_hash == seen
