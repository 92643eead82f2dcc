"""The section editor (HTMX) is kept rendered under everything it shows: each test opens it,
opens it again (from the cache), then changes one input and sees the editor change. It always
shows the shared draft's current text, and each reader their own CSRF token."""

import re

import pytest
from django.middleware.csrf import CSRF_TOKEN_LENGTH
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Text

from planhub.coediting import drafts
from planhub.plans import restructuring
from tests.coediting.conftest import type_into
from tests.factories import add_member, make_user

from .conftest import HX, url

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TEXTAREA = re.compile(r"<textarea[^>]*>\n(.*?)</textarea>", re.S)


def editor_html(client, section) -> str:
    response = client.get(url(section, "section_edit"), **HX)
    assert response.status_code == 200
    return response.content.decode()


def without_token(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


def append(text):
    return lambda body: body.insert(len(str(body).encode()), text)


@pytest.fixture
def opened(client, editor, overview):
    """The editor opened twice by the editor: the second from the cache, the same form."""
    client.force_login(editor)
    first = editor_html(client, overview)
    again = editor_html(client, overview)
    assert without_token(again) == without_token(first)
    return first


def test_the_cached_editor_is_the_form_the_page_shows(client, opened, overview):
    """The HTMX editor (cached) is byte for byte the form inside the editor's full page
    (rendered by the template with the whole request context), but for the CSRF token."""
    page = client.get(url(overview, "section_edit")).content.decode()
    start = page.index(f'<form id="section-{overview.pk}"')
    form = page[start : page.index("</form>", start) + len("</form>")]
    assert without_token(opened.strip()) == without_token(form.strip())


def test_typing_stored_in_the_draft_shows_at_once(client, opened, overview, editor):
    draft = drafts.open_draft(overview)
    type_into(draft, editor, append(" Typed just now."))
    html = editor_html(client, overview)
    assert "Typed just now." in html and "Typed just now." not in opened
    type_into(draft, None, append(" And more."))  # a merge's update, by nobody
    assert "Typed just now. And more." in editor_html(client, overview)


def test_a_save_shows_the_new_version(client, opened, overview, editor):
    overview.save_edit(author=editor, heading="Overview", body="Saved text.", base_version=1)
    html = editor_html(client, overview)
    assert "Saved text." in html and 'name="version" value="2"' in html
    assert 'name="version" value="1"' in opened


def test_a_heading_typed_in_the_draft_shows(client, opened, overview, editor):
    draft = drafts.open_draft(overview)
    type_into(draft, editor, lambda body: None)  # an author, no change
    doc = drafts.load_doc(draft)
    before = doc.get_state()
    doc.get("heading", type=Text).insert(0, "Renamed ")
    drafts.store_update(draft.pk, doc.get_update(before), editor.pk)
    assert 'value="Renamed Overview"' in editor_html(client, overview)
    assert 'value="Renamed Overview"' not in opened


def test_a_discarded_draft_gives_a_new_draft_id(client, opened, overview, editor):
    draft = drafts.open_draft(overview)
    drafts.discard(draft, editor)
    html = editor_html(client, overview)
    new = drafts.open_draft(overview)
    assert new.pk != draft.pk
    assert f'data-draft-id="{new.pk}"' in html and f'data-draft-id="{draft.pk}"' in opened


def test_a_level_change_shows(client, opened, overview, editor):
    level = overview.level
    restructuring.change_level(overview, editor, deeper=True)
    overview.refresh_from_db()
    html = editor_html(client, overview)
    assert f"Heading (level {level + 1})" in html and f"Heading (level {level})" in opened


def test_each_section_has_its_own_editor(client, opened, overview, plan):
    other = plan.sections.exclude(pk=overview.pk).filter(level__gt=0).first()
    html = editor_html(client, other)
    assert f'id="section-{other.pk}"' in html and f'id="section-{overview.pk}"' not in html


def test_each_reader_gets_their_own_csrf_token(client, opened, overview, project):
    bob = make_user("bob")
    add_member(project, bob, "editor")
    client.force_login(bob)
    html = editor_html(client, overview)
    mine, theirs = TOKEN.search(html).group(1), TOKEN.search(opened).group(1)
    assert len(mine) == CSRF_TOKEN_LENGTH and mine != theirs
    assert client.cookies["csrftoken"].value  # the token the form carries is the cookie's


def test_a_save_with_the_editors_token_works(client, opened, overview):
    client.handler.enforce_csrf_checks = True
    html = editor_html(client, overview)
    token = TOKEN.search(html).group(1)
    fields = {"heading": "Overview", "body": "Saved.", "version": 1}
    response = client.post(url(overview), fields, HTTP_X_CSRFTOKEN=token, **HX)
    assert response.status_code == 200
    overview.refresh_from_db()
    assert overview.version == 2


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(pieces=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=4))
def test_the_editor_always_shows_the_drafts_text(client, editor, overview, pieces):
    """Whatever is typed, in whatever steps, the editor shows exactly the draft's text (the
    examples type on into one draft)."""
    client.force_login(editor)
    draft = drafts.open_draft(overview)
    for piece in pieces:
        type_into(draft, editor, append(piece))
        _, body = drafts.draft_text(draft)
        textarea = TEXTAREA.search(editor_html(client, overview))
        assert textarea.group(1) == escape(body)
