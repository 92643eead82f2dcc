import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from planhub.accounts.models import Profile
from planhub.document.generated_blocks import strip_generated_blocks
from planhub.exports.markdown import plan_markdown
from planhub.plans.builtin_templates import BUILTIN_TEMPLATES
from planhub.plans.models import Plan
from planhub.reviews.models import Comment, SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.factories import builtin_template, make_plan


def export_url(plan, **params):
    url = reverse("export_md", args=[plan.project.slug, plan.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_download_is_named_after_the_plan(client, viewer, plan):
    client.force_login(viewer)
    response = client.get(export_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    expected = 'attachment; filename="implementation-plan-test-feature-name.md"'
    assert response["Content-Disposition"] == expected
    text = response.content.decode()
    assert text.startswith(plan.to_markdown())  # the feature plan has no Approvals section…
    assert text[len(plan.to_markdown()) :].startswith("<!-- planhub:signoff -->\n## Sign-off\n")


@pytest.mark.parametrize("slug", BUILTIN_TEMPLATES)
def test_untouched_plan_plain_export_is_the_template(client, project, owner, slug):
    from planhub.plans.models import Plan

    template = builtin_template(slug)
    values = {name: f"[{name}]" for name in template.title_placeholders()}
    plan = Plan.create_from_template(
        project=project, template=template, author=owner, values=values
    )
    client.force_login(owner)
    assert client.get(export_url(plan, plain=1)).content == template.source.encode()
    out = StringIO()
    call_command("export_plan", plan.pk, "--format", "md", "--plain", stdout=out)
    assert out.getvalue() == template.source


def test_export_reflects_edits(client, editor, plan):
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    section.save_edit(author=editor, heading="Summary", body="We build it.", base_version=1)
    client.force_login(editor)
    text = client.get(export_url(plan, plain=1)).content.decode()
    assert "## Summary\n\nWe build it.\n\n## Architecture" in text


def test_export_command_writes_a_file(tmp_path, plan):
    target = tmp_path / "plan.md"
    call_command("export_plan", plan.pk, "--plain", "-o", str(target), stderr=StringIO())
    assert target.read_text() == plan.to_markdown()


def test_export_command_errors(plan):
    with pytest.raises(CommandError, match="No plan with id 9999"):
        call_command("export_plan", 9999)


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: x\n---\n# T\r\n\r\n## A ##  \r\n```\r\n# code\r\n```\r\n",
        "Intro\n\nTitle\n=====\n\n<!--\n# hidden\n-->\n### Deep\n~~~\n# x\n~~~\nno final newline",
        "## No H1\n\n````\n```\n# in\n```\n````\n",
    ],
)
def test_import_plan_then_export_is_byte_identical(tmp_path, project, owner, text):
    source = tmp_path / "doc.md"
    source.write_bytes(text.encode())
    out = StringIO()
    call_command(
        "import_plan", str(source), "--project", project.slug, stdout=out, stderr=StringIO()
    )
    plan_id = int(out.getvalue().strip().splitlines()[-1])
    exported = StringIO()
    call_command("export_plan", plan_id, "--format", "md", "--plain", stdout=exported)
    assert exported.getvalue() == text
    assert make_plan(project, owner, text=text).to_markdown() == text


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


def test_the_block_prints_each_signature_record(project, owner, reviewer):
    profile = Profile.of(reviewer)
    profile.display_name, profile.time_zone = "Rita | Reviewer", "America/New_York"
    profile.save()
    plan = make_plan(project, owner, text="# T\n\n## A\n\ntext\n")
    sign(plan, reviewer, owner, decision="declined", reason="Needs a\nrollback")
    signoff = SignOff.objects.get()
    text = plan_markdown(plan)
    utc = signoff.created_at.astimezone(datetime.UTC)
    local = signoff.created_at.astimezone(ZoneInfo("America/New_York"))
    line = (
        f"- **Rita \\| Reviewer**, {utc:%Y-%m-%d %H:%M} UTC ({local:%Y-%m-%d %H:%M} "
        f"America/New_York): “Plan approval: declined: Needs a rollback”; "
        f"content `{signoff.content_hash[:12]}`; identity: not recorded\n"
    )
    assert f"\n\nSignatures:\n\n{line}\nPlan status:" in text
    block = text[text.index("<!-- planhub:signoff") :]
    assert line in block and block.endswith("<!-- /planhub:signoff -->\n\n")
    assert strip_generated_blocks(text) == plan.to_markdown()


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
