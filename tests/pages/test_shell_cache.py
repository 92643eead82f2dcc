"""The page around the plan page's and review mode's content (head, top bar, footer) is kept
rendered per template, plan title and flags (planhub/pages/page_cache.py, shell_parts), the
reader's own values filled in: each test reads a page twice (the second shell from the cache),
then changes one input and sees the page change; readers never see each other's top bar."""

import re

import pytest
from django.urls import reverse

from planhub.accounts.models import DISPLAY_NAME_SESSION_KEY
from planhub.notifications.notify import notify
from planhub.pages import page_cache

WHOAMI = re.compile(r'class="whoami"[^>]*>([^<]*)<')
USER_META = re.compile(r'<meta name="planhub-user" content="([^"]*)">')
BADGE = re.compile(r'<span id="unread-badge"[^>]*>(.*?)</span>\s*\n?\s*</a>', re.S)
HEADER_TOKEN = re.compile(r'"x-csrftoken": "([^"]+)"')
LOGOUT_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"><button type="submit"')


def plan_url(plan):
    return plan.get_absolute_url()


def review_url(plan):
    return reverse("plan_review", args=[plan.project.slug, plan.pk])


PAGES = [plan_url, review_url]


def get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def shell(html: str) -> str:
    """The page without its content (from <main> to </main>) and without the tokens."""
    html = html[: html.index('<main id="main"')] + html[html.index("</main>") :]
    return re.sub(r'("x-csrftoken": "|csrfmiddlewaretoken" value=")[^"]+', r"\1", html)


def tell(user, plan, n=1):
    for i in range(n):
        notify("mention", [user], title=f"m{i}", url=plan.get_absolute_url(), plan=plan)


@pytest.fixture
def cached(monkeypatch):
    """How many shells were rendered (not taken from the cache)."""
    renders = []
    original = page_cache.split_at_markers

    def counting(html):
        if page_cache.SHELL_MARK in html:
            renders.append(html)
        return original(html)

    monkeypatch.setattr(page_cache, "split_at_markers", counting)
    return renders


@pytest.mark.parametrize("url_of", PAGES)
def test_the_shell_is_kept_and_is_the_page_the_template_renders(
    client, editor, plan, url_of, cached, monkeypatch
):
    client.force_login(editor)
    first = get(client, url_of(plan))
    second = get(client, url_of(plan))
    assert len(cached) == 1 and shell(first) == shell(second)
    monkeypatch.setattr(page_cache, "shell_parts", lambda *args: None)  # rendered whole
    whole = get(client, url_of(plan))
    assert shell(whole) == shell(second)


@pytest.mark.parametrize("url_of", PAGES)
def test_each_reader_gets_their_own_top_bar(client, editor, reviewer, plan, url_of, cached):
    tell(reviewer, plan, 3)
    client.force_login(editor)
    get(client, url_of(plan))
    mine = get(client, url_of(plan))
    client.force_login(reviewer)
    theirs = get(client, url_of(plan))
    assert WHOAMI.search(mine).group(1) == editor.username
    assert WHOAMI.search(theirs).group(1) == reviewer.username
    assert USER_META.search(mine).group(1) == str(editor.pk)
    assert USER_META.search(theirs).group(1) == str(reviewer.pk)
    assert "data-zero" in BADGE.search(mine).group(0)
    assert '<span class="unread-count">3</span>' in theirs
    assert HEADER_TOKEN.search(mine).group(1) != HEADER_TOKEN.search(theirs).group(1)


def test_the_unread_count_follows_each_notification(client, reviewer, plan):
    client.force_login(reviewer)
    get(client, plan_url(plan))
    assert "data-zero" in BADGE.search(get(client, plan_url(plan))).group(0)
    tell(reviewer, plan)
    assert '<span class="unread-count">1</span>' in get(client, plan_url(plan))
    tell(reviewer, plan, 2)
    assert '<span class="unread-count">3</span>' in get(client, plan_url(plan))
    reviewer.notifications.update(read_at="2026-01-01T00:00:00Z")
    assert "data-zero" in BADGE.search(get(client, plan_url(plan))).group(0)


def test_the_display_name_is_the_readers_and_escaped(client, editor, plan):
    client.force_login(editor)
    get(client, plan_url(plan))
    session = client.session
    session[DISPLAY_NAME_SESSION_KEY] = "Eddie <Editor> & co"
    session.save()
    html = get(client, plan_url(plan))
    assert WHOAMI.search(html).group(1) == "Eddie &lt;Editor&gt; &amp; co"


def test_a_renamed_plan_gets_its_new_title(client, editor, plan):
    client.force_login(editor)
    get(client, plan_url(plan))
    get(client, review_url(plan))
    type(plan).objects.filter(pk=plan.pk).update(title="Renamed `plan`")
    assert "<title>Renamed plan · PlanHub</title>" in get(client, plan_url(plan))
    assert "<title>Review · Renamed `plan` · PlanHub</title>" in get(client, review_url(plan))


def test_review_mode_lists_its_keys_and_the_plan_page_does_not(client, editor, plan):
    client.force_login(editor)
    for _ in range(2):
        assert "Review mode: approve the focused section" in get(client, review_url(plan))
        assert "Review mode: approve the focused section" not in get(client, plan_url(plan))


def test_a_message_is_shown_once(client, editor, plan):
    """A page with a message to show is rendered whole; the message does not come back."""
    client.force_login(editor)
    get(client, plan_url(plan))
    response = client.post(
        reverse("plan_archive", args=[plan.project.slug, plan.pk]),
        {"action": "archive", "next": plan_url(plan)},
    )
    assert response.status_code == 302
    html = get(client, plan_url(plan))
    assert "Archived “" in html
    assert "Archived “" not in get(client, plan_url(plan))


def test_the_logout_form_carries_a_token_the_server_accepts(client, editor, plan):
    client.force_login(editor)
    get(client, plan_url(plan))
    html = get(client, plan_url(plan))
    token = LOGOUT_TOKEN.search(html).group(1)
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url_of", PAGES)
def test_one_response_carries_one_token_everywhere(client, editor, plan, url_of):
    client.force_login(editor)
    get(client, url_of(plan))
    html = get(client, url_of(plan))
    tokens = set(re.findall(r'(?:"x-csrftoken": "|csrfmiddlewaretoken" value=")([^"]+)', html))
    assert len(tokens) == 1 and html.count(tokens.pop()) >= 2  # the header, log out, forms
