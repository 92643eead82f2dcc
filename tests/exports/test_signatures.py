"""Every printout shows each signature as its record holds it (21 CFR 11.50): printed name,
date and time (UTC and the signer's zone), meaning, content hash, identity check."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.accounts.models import Profile
from planhub.document.generated_blocks import generated_block, strip_generated_blocks
from planhub.exports.pdf import plan_pdf
from planhub.reviews.models import SignOff
from tests.exports.test_pdf import (
    SMALL,
    approve_everything,
    check_document,
)
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


names = st.text(st.characters(blacklist_categories=["Cs"]), max_size=60)


@settings(max_examples=200, deadline=None)
@given(name=names, meaning=names, zone=st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kolkata"]))
def test_any_name_or_reason_stays_one_line_and_the_import_drops_it(name, meaning, zone):
    """Whatever a signer calls themselves or writes as a reason: one line a signature, and the
    export's block still comes off exactly (no line break, hence no closing marker, gets in)."""
    signoff = SimpleNamespace(
        printed_name=name,
        user=SimpleNamespace(username="rita"),
        created_at=datetime.datetime(2026, 12, 2, 14, 6, tzinfo=datetime.UTC),
        time_zone=zone,
        meaning=meaning,
        content_hash="e0847989d98e" * 5,
        identity_check="password",
    )
    rendered = render_to_string("exports/_signatures.md", {"signatures": [signoff]})
    lines = [line for line in rendered.splitlines() if line.startswith("- ")]
    assert len(lines) == 1 and "2026-12-02 14:06 UTC" in lines[0]
    text = "# Plan\n\nbody\n"
    exported = text + generated_block("signoff", rendered, text)
    assert strip_generated_blocks(exported) == text
