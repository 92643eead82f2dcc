"""Every printout shows each signature as its record holds it (21 CFR 11.50): printed name,
date and time (UTC and the signer's zone), meaning, content hash, identity check."""

import datetime
from zoneinfo import ZoneInfo

from planhub.accounts.models import Profile
from planhub.exports.pdf import plan_pdf
from planhub.reviews.models import SignOff
from tests.exports.test_pdf import SMALL, approve_everything, check_document
from tests.factories import make_plan


def test_the_pdf_prints_the_signature_record(project, owner, reviewer):
    profile = Profile.of(reviewer)
    profile.display_name, profile.time_zone = "Rita Reviewer", "Asia/Tokyo"
    profile.save()
    plan = make_plan(project, owner, text=SMALL)
    approve_everything(plan, owner, reviewer)
    signoff = SignOff.objects.get()
    utc = signoff.created_at.astimezone(datetime.UTC)
    local = signoff.created_at.astimezone(ZoneInfo("Asia/Tokyo"))
    text = " ".join(check_document(plan, plan_pdf(plan), draft=False))
    assert (
        f"Signature: Rita Reviewer, {utc:%Y-%m-%d %H:%M} UTC ({local:%Y-%m-%d %H:%M} Asia/Tokyo) "
        f"“Plan approval: approved” content {signoff.content_hash[:12]} · identity: not recorded"
    ) in text
