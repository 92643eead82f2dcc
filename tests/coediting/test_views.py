"""The shared draft through the pages: the editor on it, Save publishing it, Discard, the banner,
discarded drafts in the history."""

from datetime import timedelta

import pytest
from django.urls import reverse

from planhub.coediting import drafts
from planhub.coediting.models import DiscardedDraft, Draft

from .conftest import type_into

HX = {"HTTP_HX_REQUEST": "true"}


def url(section, name="section_detail"):
    return reverse(name, args=[section.plan.project.slug, section.plan_id, section.pk])


def append(text):
    return lambda body: body.insert(len(str(body).encode()), text)


@pytest.fixture
def left_draft(overview, editor):
    """Eddie typed in the Overview's draft and left 2 hours ago."""
    draft = drafts.open_draft(overview)
    type_into(draft, editor, append(" Eddie's unpublished idea."))
    Draft.objects.filter(pk=draft.pk).update(
        edited_at=draft.updates.last().created_at - timedelta(hours=2)
    )
    return draft


def publish_data(the_draft, **extra):
    return {
        "heading": "Overview",
        "body": "posted text",
        "version": 1,
        "draft": the_draft.pk,
        **extra,
    }


# --- the editor ---------------------------------------------------------------------------


def test_the_editor_opens_on_the_draft(client, editor, left_draft, overview):
    client.force_login(editor)
    html = client.get(url(overview, "section_edit"), **HX).content.decode()
    assert f'data-draft-id="{left_draft.pk}"' in html
    assert f'data-draft-url="/ws/sections/{overview.pk}/draft/"' in html
    assert 'data-draft-base-version="1"' in html
    assert "Eddie&#x27;s unpublished idea.</textarea>" in html
    assert 'name="body"' in html and 'name="heading"' in html
    # No hidden draft field: a browser without the shared editor saves its textarea.
    assert 'name="draft"' not in html


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_only_editors_open_the_editor(client, members, overview, role):
    client.force_login(members[role])
    assert client.get(url(overview, "section_edit")).status_code == 403
    assert not Draft.objects.exists()


# --- Save publishes the draft -------------------------------------------------------------


def test_save_with_the_draft_publishes_its_text(client, editor, owner, left_draft, overview):
    client.force_login(owner)
    response = client.post(url(overview), publish_data(left_draft), **HX)
    assert response.status_code == 200 and "sectionSaved" in response["HX-Trigger"]
    overview.refresh_from_db()
    assert overview.version == 2
    assert overview.editable_body.endswith("Eddie's unpublished idea.")  # not "posted text"
    authors = {u.username for u in overview.revisions.get(version=2).authors.all()}
    assert authors == {"olivia", "eddie"}
    assert "left an unpublished draft" not in response.content.decode()


def test_save_without_js_merges_into_the_draft(
    client, editor, owner, left_draft, overview, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    body = overview.editable_body.replace("**Feature Summary:**", "**Summary:**")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(overview), {"heading": "Overview", "body": body, "version": 1})
    assert response.status_code == 302
    text = drafts.draft_text(left_draft)[1]
    assert text.startswith("**Summary:**") and text.endswith("Eddie's unpublished idea.")


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "٣", "9" * 30, "0"])
def test_a_malformed_draft_is_a_400(client, editor, left_draft, overview, value):
    client.force_login(editor)
    response = client.post(url(overview), publish_data(left_draft, draft=value), **HX)
    assert response.status_code == 400
    assert b"draft" in response.content
    assert Draft.objects.get(pk=left_draft.pk).authors.exists()  # nothing published


def test_another_sections_draft_is_a_409_keeping_the_text(client, editor, plan, left_draft):
    other = plan.sections.exclude(pk=left_draft.section_id).filter(level=2).first()
    client.force_login(editor)
    data = {"heading": other.heading, "body": "my posted text", "version": 1}
    response = client.post(url(other), {**data, "draft": left_draft.pk}, **HX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "discarded or replaced" in html and "my posted text</textarea>" in html
    other.refresh_from_db()
    assert other.version == 1


def test_a_discarded_draft_is_a_409_keeping_the_text(client, editor, owner, left_draft, overview):
    drafts.discard(left_draft, owner)
    client.force_login(editor)
    response = client.post(url(overview), publish_data(left_draft), **HX)
    assert response.status_code == 409
    assert "posted text</textarea>" in response.content.decode()


def test_conflict_markers_in_the_draft_are_a_422(client, editor, overview):
    draft = drafts.open_draft(overview)
    type_into(draft, editor, append("\n<<<<<<< your text\na\n=======\nb\n>>>>>>> bob"))
    client.force_login(editor)
    response = client.post(url(overview), publish_data(draft), **HX)
    assert response.status_code == 422
    assert "conflict" in response.content.decode()
    overview.refresh_from_db()
    assert overview.version == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("outsider", 404), ("viewer", 403), ("reviewer", 403)],
)
def test_only_editors_publish(client, members, left_draft, overview, role, status):
    if role != "anonymous":
        client.force_login(members[role])
    assert client.post(url(overview), publish_data(left_draft)).status_code == status
    overview.refresh_from_db()
    assert overview.version == 1


# --- Discard ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("outsider", 404), ("viewer", 403), ("reviewer", 403)],
)
def test_only_editors_discard(client, members, left_draft, overview, role, status):
    if role != "anonymous":
        client.force_login(members[role])
    response = client.post(url(overview, "draft_discard"), {"draft": left_draft.pk})
    assert response.status_code == status
    assert Draft.objects.filter(pk=left_draft.pk).exists()


@pytest.mark.parametrize("role", ["editor", "owner"])
def test_editors_and_owners_discard(client, members, left_draft, overview, role):
    client.force_login(members[role])
    response = client.post(url(overview, "draft_discard"), {"draft": left_draft.pk}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Discarded the draft" in html and "left an unpublished draft" not in html
    kept = DiscardedDraft.objects.get()
    assert kept.body.endswith("Eddie's unpublished idea.")
    assert kept.discarded_by == members[role]


def test_discard_without_htmx_redirects_to_the_section(client, editor, left_draft, overview):
    client.force_login(editor)
    response = client.post(url(overview, "draft_discard"), {"draft": left_draft.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"#section-{overview.pk}")


def test_discard_of_an_old_draft_keeps_the_new_one(client, editor, owner, left_draft, overview):
    """A page showing a draft discarded meanwhile never throws away the draft opened since."""
    drafts.discard(left_draft, owner)
    newer = drafts.open_draft(overview)
    client.force_login(editor)
    response = client.post(url(overview, "draft_discard"), {"draft": left_draft.pk}, **HX)
    assert response.status_code == 409 and "no longer open" in response.content.decode()
    assert Draft.objects.filter(pk=newer.pk).exists()


@pytest.mark.parametrize("value", ["x", "-3", "1e3", "9" * 30])
def test_discard_with_a_malformed_draft_is_a_400(client, editor, left_draft, overview, value):
    client.force_login(editor)
    response = client.post(url(overview, "draft_discard"), {"draft": value})
    assert response.status_code == 400
    assert Draft.objects.filter(pk=left_draft.pk).exists()


def test_discard_answers_only_post(client, editor, overview):
    client.force_login(editor)
    assert client.get(url(overview, "draft_discard")).status_code == 405


# --- the banner and the history -------------------------------------------------------------


def test_the_plan_page_shows_who_left_a_draft(client, viewer, editor, left_draft, plan):
    client.force_login(editor)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "<strong>eddie</strong> left an unpublished draft 2\xa0hours ago" in html
    assert ">Continue</a>" in html and "Discard the draft</button>" in html
    client.force_login(viewer)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "left an unpublished draft" in html and "Discard the draft" not in html


def test_the_banner_says_when_someone_is_editing_now(client, editor, overview, plan):
    draft = drafts.open_draft(overview)
    type_into(draft, editor, append("!"))
    client.force_login(editor)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "<strong>eddie</strong> is editing — unpublished changes." in html


def test_an_untouched_or_published_draft_shows_no_banner(client, editor, overview, plan):
    draft = drafts.open_draft(overview)
    client.force_login(editor)
    assert "unpublished" not in client.get(plan.get_absolute_url()).content.decode()
    type_into(draft, editor, append("!"))
    drafts.publish(draft, editor)
    assert "unpublished" not in client.get(plan.get_absolute_url()).content.decode()


def test_the_history_shows_discarded_drafts(client, viewer, owner, left_draft, overview):
    drafts.discard(left_draft, owner)
    client.force_login(viewer)
    html = client.get(url(overview, "section_history")).content.decode()
    assert "Discarded draft by olivia at" in html and "(typed by eddie)" in html
    assert "Eddie&#x27;s unpublished idea." in html
