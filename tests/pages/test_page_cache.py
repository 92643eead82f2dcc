"""The plan page, its outline and export.md served from the cache keyed by the plan's stamp:
every input the page shows changes the page served next (each test reads the page twice first,
so that the second answer came from the cache), readers never see each other's parts, and the
queries of a cached page do not grow with the data."""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planhub.coediting import drafts
from planhub.coediting.models import Draft
from planhub.plans.models import Plan
from planhub.plans.restructuring import add_section_after, delete_section, move, restore_section
from planhub.reviews.models import Comment, SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.baselines.conftest import PLAN_TEXT, approve_everything, freeze
from tests.coediting.conftest import type_into
from tests.factories import make_plan

HX = {"HTTP_HX_REQUEST": "true"}


def page(client, plan) -> str:
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def warm(client, plan) -> str:
    """The page twice: the second from the cache (asserted)."""
    first = page(client, plan)
    with CaptureQueriesContext(connection) as queries:
        second = page(client, plan)
    assert not any("plans_sectionrevision" in q["sql"] for q in queries.captured_queries)
    assert _same(first, second)
    return second


def _same(a: str, b: str) -> bool:
    token = re.compile(r'(csrfmiddlewaretoken" value="|"x-csrftoken": "|data-live-since=")[^"]+"')
    return token.sub(r"\1", a) == token.sub(r"\1", b)


def section_html(html: str, section) -> str:
    start = html.index(f'<section id="section-{section.pk}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def overview(plan):
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    return section


def edit(section, author, body):
    section.refresh_from_db()
    section.plan.refresh_from_db()
    section.save_edit(
        author=author, heading=section.heading, body=body, base_version=section.version
    )


def test_an_edit_shows_and_makes_an_approval_stale(client, owner, editor, reviewer, plan, overview):
    edit(overview, editor, "First text.")
    SectionDecision.record(section=overview, reviewer=reviewer, decision="approved", version=2)
    client.force_login(owner)
    before = warm(client, plan)
    assert "rita approved version 2" in section_html(before, overview)
    edit(overview, editor, "Second text.")
    after = section_html(page(client, plan), overview)
    assert "Second text." in after and "First text." not in after
    assert "stale: edited since" in after


def test_approve_and_request_changes_show(client, owner, editor, reviewer, plan, overview):
    edit(overview, editor, "Text.")
    client.force_login(owner)
    warm(client, plan)
    SectionDecision.record(section=overview, reviewer=reviewer, decision="approved", version=2)
    html = section_html(page(client, plan), overview)
    assert "rita approved version 2" in html and "status-approved" in html
    SectionDecision.record(
        section=overview, reviewer=reviewer, decision="changes_requested", version=2
    )
    html = section_html(page(client, plan), overview)
    assert "rita requested changes" in html and "status-changes_requested" in html


def test_comments_opened_resolved_and_reopened_show(client, owner, reviewer, plan, overview):
    client.force_login(owner)
    warm(client, plan)
    comment = Comment.objects.create(section=overview, author=reviewer, body="Why?")
    assert "1 open comment" in section_html(page(client, plan), overview)
    comment.resolve(owner)
    assert "1 open comment" not in section_html(warm(client, plan), overview)
    comment.reopen()
    assert "1 open comment" in section_html(page(client, plan), overview)


def slot_row(html: str, slot) -> str:
    start = html.index(f'id="slot-{slot.pk}"')
    return html[start : html.index("</tr>", start)]


def test_sign_off_assign_sign_and_decline_show(client, owner, reviewer, viewer, plan):
    slot = plan.signoff_slots.first()
    client.force_login(viewer)
    assert "Nobody yet" in slot_row(warm(client, plan), slot)
    slot.assign(reviewer, by=owner)
    assert "rita" in slot_row(warm(client, plan), slot)
    content_hash = review_plan(plan).content_hash
    SignOff.record(
        slot, user=reviewer, decision="declined", reason="Not yet", seen_hash=content_hash
    )
    assert "Declined" in slot_row(warm(client, plan), slot)
    SignOff.record(slot, user=reviewer, decision="signed", reason="", seen_hash=content_hash)
    assert "Signed off" in slot_row(page(client, plan), slot)


def test_only_the_assignee_gets_the_sign_off_form(client, owner, reviewer, editor, plan):
    slot = plan.signoff_slots.first()
    slot.assign(reviewer, by=owner)
    decide = reverse("signoff_decide", args=[plan.project.slug, plan.pk, slot.pk])
    assign = reverse("signoff_assign", args=[plan.project.slug, plan.pk, slot.pk])
    client.force_login(reviewer)
    decide, assign = f'action="{decide}"', f'action="{assign}"'
    assert decide in warm(client, plan)
    client.force_login(editor)
    html = warm(client, plan)
    assert decide not in html and assign not in html
    client.force_login(owner)
    html = warm(client, plan)
    assert assign in html and decide not in html


def test_a_role_change_of_the_reader_shows(client, owner, viewer, plan, overview):
    edit_url = reverse("section_edit", args=[plan.project.slug, plan.pk, overview.pk])
    client.force_login(viewer)
    assert edit_url not in warm(client, plan)
    membership = plan.project.memberships.get(user=viewer)
    membership.change_role("editor", by=owner)
    assert edit_url in page(client, plan)
    membership.change_role("reviewer", by=owner)
    html = page(client, plan)
    assert edit_url not in html and "✓ Approve" in html


def test_project_settings_show(client, owner, reviewer, editor, plan, overview):
    edit(overview, reviewer, "Rita's text.")
    client.force_login(reviewer)
    html = section_html(warm(client, plan), overview)
    assert "0 of 1 approval<" in html and "You wrote this version" in html
    project = plan.project
    project.required_approvals = 2
    project.allow_self_approval = True
    project.save()
    html = section_html(page(client, plan), overview)
    assert "0 of 2 approvals" in html and "You wrote this version" not in html
    assert "✓ Approve" in html


def test_the_placeholder_gate_setting_shows(client, reviewer, plan):
    section = plan.sections.filter(placeholder_count__gt=0).exclude(level=0).first()
    client.force_login(reviewer)
    assert "Not ready for approval" in section_html(warm(client, plan), section)
    plan.project.placeholders_block_approval = False
    plan.project.save()
    html = section_html(page(client, plan), section)
    assert "Not ready for approval" not in html and "✓ Approve" in html


def test_a_draft_banner_comes_and_goes(client, owner, editor, plan, overview):
    client.force_login(owner)
    assert "draft-banner" not in warm(client, plan)
    draft = drafts.open_draft(overview)
    type_into(draft, editor, lambda body: body.insert(0, "Typing "))
    html = section_html(page(client, plan), overview)
    assert "<strong>eddie</strong> is editing" in html
    # The banner follows the clock, not the stamp: "is editing" becomes "left a draft".
    Draft.objects.filter(pk=draft.pk).update(edited_at=timezone.now() - timedelta(hours=2))
    html = section_html(page(client, plan), overview)
    assert "<strong>eddie</strong> left an unpublished draft 2\xa0hours ago" in html
    drafts.discard(Draft.objects.get(pk=draft.pk), by=owner)
    assert "draft-banner" not in page(client, plan)


def test_a_baseline_shows(client, owner, reviewer, project):
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    approve_everything(plan, reviewer=reviewer, owner=owner)
    client.force_login(owner)
    assert "baseline-statuses" not in warm(client, plan)
    freeze(plan, owner, name="v1.0")
    assert "v1.0 approved" in page(client, plan)


def test_sections_added_moved_deleted_and_restored_show(client, owner, editor, plan, overview):
    client.force_login(owner)
    warm(client, plan)
    added = add_section_after(overview, editor, heading="Brand new")
    html = warm(client, plan)
    assert "Brand new" in html
    assert html.index(f'id="section-{overview.pk}"') < html.index(f'id="section-{added.pk}"')
    added.refresh_from_db()
    added.plan = plan
    move(added, editor, up=True)
    html = warm(client, plan)
    assert html.index(f'id="section-{added.pk}"') < html.index(f'id="section-{overview.pk}"')
    added.refresh_from_db()
    added.plan = plan
    delete_section(added, editor)
    assert f'id="section-{added.pk}"' not in warm(client, plan)
    added.refresh_from_db()
    added.plan = plan
    restore_section(added, editor)
    assert f'id="section-{added.pk}"' in page(client, plan)


def test_a_renamed_and_an_archived_plan_show(client, owner, editor, plan):
    client.force_login(owner)
    warm(client, plan)
    title = next(s for s in plan.sections.all() if s.is_title)
    title.plan = plan
    title.save_edit(author=editor, heading="Renamed plan", body=title.editable_body, base_version=1)
    plan.refresh_from_db()
    assert "<title>Renamed plan" in warm(client, plan)
    plan.set_archived(True, editor)
    assert "<strong>Archived</strong> by eddie" in page(client, plan)


def test_no_relative_time_in_the_page(client, owner, editor, reviewer, plan, overview):
    edit(overview, editor, "Text.")
    SectionDecision.record(section=overview, reviewer=reviewer, decision="approved", version=2)
    client.force_login(owner)
    html = page(client, plan)
    assert " ago<" not in html and "just now" not in html
    assert re.search(
        r'rita approved version 2 <time datetime="[^"]+" title="[^"]+" data-ago>', html
    )
    assert "js/timeago.js" in html


def test_readers_of_different_roles_never_see_each_others_controls(
    client, owner, editor, reviewer, viewer, plan, overview
):
    edit(overview, editor, "Text.")
    pages = {}
    for user in (reviewer, viewer, editor, owner, reviewer, viewer):
        client.force_login(user)
        pages.setdefault(user.username, set()).add(
            re.sub(
                r'value="[^"]{64}"|"x-csrftoken": "[^"]+"|data-live-since="[^"]+"',
                "",
                page(client, plan),
            )
        )
    assert all(len(variants) == 1 for variants in pages.values())
    edit_url = reverse("section_edit", args=[plan.project.slug, plan.pk, overview.pk])
    (viewer_page,) = pages[viewer.username]
    (reviewer_page,) = pages[reviewer.username]
    (editor_page,) = pages[editor.username]
    assert edit_url not in viewer_page and "✓ Approve" not in viewer_page
    assert "✓ Approve" in reviewer_page and edit_url not in reviewer_page
    assert edit_url in editor_page and "✓ Approve" not in editor_page
    assert "Review: " in reviewer_page and "Review: " not in editor_page


def test_review_waiting_count_is_the_readers(client, owner, editor, reviewer, plan, overview):
    plan.project.required_approvals = 2  # after rita's approval it still waits for the owner
    plan.project.save()
    edit(overview, editor, "Text.")
    client.force_login(reviewer)
    before = re.search(r"Review: (\d+) section", warm(client, plan))
    SectionDecision.record(section=overview, reviewer=reviewer, decision="approved", version=2)
    after = re.search(r"Review: (\d+) section", page(client, plan))
    assert int(after.group(1)) == int(before.group(1)) - 1
    client.force_login(owner)
    still = re.search(r"Review: (\d+) section", page(client, plan))
    assert int(still.group(1)) == int(before.group(1))


def test_the_outline_and_export_follow_the_stamp(client, owner, editor, reviewer, plan, overview):
    client.force_login(owner)
    outline_url = reverse("plan_outline", args=[plan.project.slug, plan.pk])
    export_url = reverse("export_md", args=[plan.project.slug, plan.pk])
    outline = client.get(outline_url, **HX).content.decode()
    assert client.get(outline_url, **HX).content.decode() == outline
    export = client.get(export_url).content.decode()
    assert client.get(export_url).content.decode() == export
    edit(overview, editor, "Exported text.")
    assert "Exported text." in client.get(export_url).content.decode()
    SectionDecision.record(section=overview, reviewer=reviewer, decision="approved", version=2)
    assert client.get(outline_url, **HX).content.decode() != outline
    slot = plan.signoff_slots.first()
    slot.assign(reviewer, by=owner)
    assert "rita" in client.get(export_url).content.decode().split("planhub:signoff")[1]


def test_a_cached_page_reads_the_same_few_rows_whatever_the_data(
    client, owner, editor, reviewer, project
):
    counts = []
    for sections, history in ((5, 1), (60, 6)):
        text = "# T\n" + "".join(f"## S{i}\ntext\n" for i in range(sections))
        plan = Plan.create_from_markdown(project=project, text=text, author=owner)
        for _ in range(history):  # other plans, revisions and decisions
            make_plan(project, author=owner)
            for section in plan.sections.all()[:10]:
                section.plan = plan
                edit(section, editor, f"{section.body} more")
                SectionDecision.record(
                    section=section, reviewer=reviewer, decision="approved", version=section.version
                )
        client.force_login(reviewer)
        page(client, plan)
        with CaptureQueriesContext(connection) as queries:
            page(client, plan)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts


def test_the_cache_holds_one_page_per_role(client, owner, reviewer, plan):
    client.force_login(owner)
    page(client, plan)
    client.force_login(reviewer)
    page(client, plan)
    page(client, plan)
    keys = [k for k in caches["fragments"]._cache if ":page:" in k]
    assert len(keys) == 2
