"""Generated blocks in the Markdown export: the sign-off table and review summaries, and the
round trip export -> import -> export."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.document.generated_blocks import generated_block, strip_generated_blocks
from planhub.exports.markdown import plan_markdown
from planhub.plans.builtin_templates import BUILTIN_TEMPLATES
from planhub.plans.models import Plan
from planhub.reviews.models import Comment, SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.factories import make_plan


def import_text(project, text, tmp_path) -> Plan:
    path = tmp_path / "exported.md"
    path.write_bytes(text.encode())
    out = StringIO()
    call_command("import_plan", str(path), "--project", project.slug, stdout=out, stderr=StringIO())
    return Plan.objects.get(pk=int(out.getvalue().split()[-1]))


def sign(plan, reviewer, owner, decision="signed", reason=""):
    for slot in plan.signoff_slots.all():
        slot.assign(reviewer, by=owner)
        SignOff.record(slot, user=reviewer, decision=decision, reason=reason,
                    seen_hash=review_plan(plan).content_hash)  # fmt: skip


def test_approvals_section_carries_the_live_signoff_table(project, owner, reviewer):
    plan = make_plan(project, owner, slug="technical-approach-plan")
    slots = {slot.name: slot for slot in plan.signoff_slots.all()}
    slots["Security Review"].assign(reviewer, by=owner)
    SignOff.record(slots["Security Review"], user=reviewer, decision="signed", reason="",
                                    seen_hash=review_plan(plan).content_hash)  # fmt: skip
    text = plan_markdown(plan)
    approvals = text[text.index("### Approvals") : text.index("## 10. REFERENCES")]
    assert "- **Launch Approval**: [Name/Role]\n\n---\n\n<!-- planhub:signoff -->\n" in approvals
    assert "| Security Review | rita | Signed off |" in approvals and "| current |" in approvals
    assert "| Technical Design | — | Unassigned | — | — |" in approvals
    assert approvals.endswith("<!-- /planhub:signoff -->\n\n")
    assert text.count("planhub:signoff") == 2


def test_stale_and_declined_signoffs_say_so(project, owner, reviewer, editor):
    plan = make_plan(project, owner, text="# T\n\n## A\n\ntext\n")
    sign(plan, reviewer, owner)
    section = plan.sections.get(heading="A")
    section.plan = plan
    section.save_edit(author=editor, heading="A", body="changed", base_version=1)
    assert "| Plan approval | rita | Stale | " in plan_markdown(plan)
    assert "| stale (edited since) |" in plan_markdown(plan)
    sign(plan, reviewer, owner, decision="declined", reason="Needs a | rollback")
    assert "| Declined: Needs a \\| rollback |" in plan_markdown(plan)


def test_plan_without_approvals_section_gets_one_appended(project, owner):
    plan = make_plan(project, owner, text="# T\n\nbody")  # no final newline
    text = plan_markdown(plan)
    assert text.startswith("# T\n\nbody\n<!-- planhub:signoff +newline -->\n## Sign-off\n")
    assert "Plan status: **Draft**." in text


@pytest.mark.parametrize("slug", BUILTIN_TEMPLATES)
def test_import_of_an_export_exports_the_same_bytes(project, owner, tmp_path, slug):
    plan = make_plan(project, owner, slug=slug)
    exported = plan_markdown(plan)
    again = import_text(project, exported, tmp_path)
    assert again.to_markdown() == plan.to_markdown()
    assert plan_markdown(again) == exported
    assert plan_markdown(again, plain=True) == plan_markdown(plan, plain=True)


def test_round_trip_with_review_state_and_crlf(project, owner, reviewer, editor, tmp_path):
    plan = make_plan(project, owner, text="# T\r\n\r\n## A\r\ntext\r\n### B\r\nmore")
    sign(plan, reviewer, owner)
    section = plan.sections.get(heading="A")
    section.plan = plan
    SectionDecision.record(section=section, reviewer=reviewer, decision="approved", version=1)
    Comment.objects.create(section=section, author=reviewer, body="?")
    exported = plan_markdown(plan, review_summary=True)
    assert "\r\n<!-- planhub:review -->\r\n> Review: Approved; rita approved version 1" in exported
    assert "; 1 open comment.\r\n<!-- /planhub:review -->\r\n\r\n### B" in exported
    assert "\n" not in exported.replace("\r\n", "")
    imported = import_text(project, exported, tmp_path)
    assert imported.to_markdown() == plan.to_markdown()


def test_plain_export_has_no_generated_block(client, owner, plan):
    client.force_login(owner)
    url = reverse("export_md", args=[plan.project.slug, plan.pk])
    assert b"planhub:" not in client.get(url + "?plain=1").content
    assert b"<!-- planhub:review -->" in client.get(url + "?reviews=1").content
    assert b"<!-- planhub:review -->" not in client.get(url).content
    out = StringIO()
    call_command("export_plan", plan.pk, "--reviews", stdout=out)
    assert out.getvalue().count("<!-- planhub:review -->") == plan.sections.count()


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(["a", " ", "\n", "\r", "#", "-", "<", "!", ">"]), max_size=40),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["signoff", "review"]),
)
def test_strip_undoes_any_generated_block(before, line_ending, kind):
    block = generated_block(kind, "| a |\n|---|\n| b |", before, line_ending)
    assert strip_generated_blocks(before + block) == before
    assert strip_generated_blocks(before + block + "## Next\n") == before + "## Next\n"
