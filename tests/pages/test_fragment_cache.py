"""The plan page's section cache: a cached page is the page, every change shows at once, and
the forms in a section cached for one reader carry the next reader's own CSRF token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from planhub.pages.fragment_cache import cache_key, section_state
from planhub.pages.section_display import set_heading_slugs
from planhub.reviews.models import Comment, SectionDecision
from planhub.reviews.status import review_plan

CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"|("x-csrftoken": ")[^"]+"')
NOW = re.compile(r'data-live-since="[^"]+"')


def page(client, plan) -> str:
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def comparable(html: str) -> str:
    """The page without what differs on every request (CSRF masking, the live cursor)."""
    return NOW.sub("", CSRF_VALUE.sub(r"\1\2TOKEN", html))


@pytest.fixture
def overview(plan, editor):
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    section.save_edit(author=editor, heading="Overview", body="The first idea.", base_version=1)
    return section


def test_a_page_from_the_cache_is_the_page_rendered_afresh(client, owner, plan, overview):
    client.force_login(owner)
    cold = page(client, plan)
    sections = list(plan.sections.select_related("updated_by"))
    review = review_plan(plan, sections)
    set_heading_slugs(sections)  # a heading's anchor is part of its state
    membership = plan.project.memberships.get(user=owner)
    section = next(s for s in sections if s.pk == overview.pk)
    section.plan, section.review = plan, review.by_section[section.pk]
    state = section_state(section, plan=plan, membership=membership)
    from django.core.cache import caches

    assert caches["fragments"].get(cache_key(state)) is not None  # the first page filled it
    warm = page(client, plan)
    assert comparable(warm) == comparable(cold)
    assert "The first idea." in warm


def test_an_edit_shows_on_the_next_page(client, owner, editor, plan, overview):
    client.force_login(owner)
    assert "The first idea." in page(client, plan)
    overview.save_edit(author=editor, heading="Overview", body="A better idea.", base_version=2)
    html = page(client, plan)
    assert "A better idea." in html
    assert "The first idea." not in html


def test_reviews_and_comments_show_on_the_next_page(client, owner, reviewer, plan, overview):
    client.force_login(owner)
    before = page(client, plan)
    assert "rita approved" not in before
    SectionDecision.record(
        section=overview, reviewer=reviewer, decision="approved", version=2, comment="Fine by me"
    )
    after_review = page(client, plan)
    assert "rita approved version 2" in after_review
    assert "Fine by me" in after_review
    Comment.objects.create(section=overview, author=reviewer, body="Why?")
    assert "1 open comment" in page(client, plan)


def test_each_reader_sees_their_own_controls(client, owner, editor, viewer, plan, overview):
    client.force_login(owner)
    owner_page = page(client, plan)
    client.force_login(viewer)
    viewer_page = page(client, plan)
    client.force_login(editor)
    editor_page = page(client, plan)
    edit_link = reverse("section_edit", args=[plan.project.slug, plan.pk, overview.pk])
    assert edit_link in owner_page and edit_link in editor_page
    assert edit_link not in viewer_page
    assert "✓ Approve" in owner_page
    assert "✓ Approve" not in viewer_page and "✓ Approve" not in editor_page


def test_my_own_approval_shows_only_to_me(client, owner, reviewer, plan, overview):
    client.force_login(reviewer)
    page(client, plan)  # the reviewer's variant is cached before the owner decides
    SectionDecision.record(section=overview, reviewer=owner, decision="approved", version=2)
    client.force_login(owner)
    assert "✓ You approved this version" in page(client, plan)
    client.force_login(reviewer)
    assert "✓ You approved this version" not in page(client, plan)


def test_project_settings_show_on_the_next_page(client, owner, plan, overview):
    client.force_login(owner)
    assert "0 of 1 approval<" in page(client, plan)
    plan.project.required_approvals = 2
    plan.project.save()
    assert "0 of 2 approvals" in page(client, plan)


def test_a_form_from_a_section_cached_for_someone_else_carries_my_token(
    owner, reviewer, plan, overview
):
    first = Client(enforce_csrf_checks=True)
    first.force_login(owner)
    page(first, plan)  # fills the cache
    second = Client(enforce_csrf_checks=True)
    second.force_login(reviewer)
    html = page(second, plan)
    review_url = reverse("section_decide", args=[plan.project.slug, plan.pk, overview.pk])
    form = html[html.index(f'action="{review_url}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = second.post(
        review_url, {"csrfmiddlewaretoken": token, "decision": "approved", "version": 2}
    )
    assert response.status_code == 302
    assert SectionDecision.objects.filter(reviewer=reviewer, section=overview).exists()


def test_the_outline_follows_reviews_and_the_filter(client, owner, reviewer, plan, overview):
    client.force_login(owner)
    before = page(client, plan)
    assert "0 of" in before.split('class="progress-line"')[1]
    SectionDecision.record(section=overview, reviewer=reviewer, decision="approved", version=2)
    after = page(client, plan)
    outline = after[
        after.index('id="outline"') : after.index("</nav>", after.index('id="outline"'))
    ]
    assert "1 of" in outline.split('class="progress-line"')[1]
    assert (
        f'<span class="visually-hidden">Approved: </span>\n        <a href="#section-{overview.pk}"'
        in outline
    )
    only_to_fill = client.get(plan.get_absolute_url() + "?fill=1").content.decode()
    assert "Show all sections" in only_to_fill and "Show all sections" not in after


def review_form_of(html: str, plan, section) -> str:
    review_url = reverse("section_decide", args=[plan.project.slug, plan.pk, section.pk])
    form = html[html.index(f'action="{review_url}"') :]
    return form[: form.index("</form>")]


def test_the_author_of_a_version_is_told_why_they_cannot_approve_it(client, owner, reviewer, plan):
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    section.save_edit(author=reviewer, heading="Overview", body="Rita's text.", base_version=1)
    client.force_login(owner)
    owners_form = review_form_of(page(client, plan), plan, section)  # cached for reviewers now
    assert "✓ Approve" in owners_form and "You wrote this version" not in owners_form
    client.force_login(reviewer)
    form = review_form_of(page(client, plan), plan, section)
    assert "You wrote this version: another reviewer approves it." in form
    assert "✓ Approve" not in form
