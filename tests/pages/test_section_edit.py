"""The section editor: a partial for HTMX, a page without."""

from .conftest import HX, url


def test_edit_form_is_a_partial_for_htmx_and_a_page_without(client, editor, overview):
    client.force_login(editor)
    partial = client.get(url(overview, "section_edit"), **HX).content.decode()
    assert partial.lstrip().startswith("<form") and "<html" not in partial
    assert 'name="version" value="1"' in partial
    assert "**Feature Summary:**" in partial
    page = client.get(url(overview, "section_edit")).content.decode()
    assert "<html" in page and "<form" in page and "**Feature Summary:**" in page


def test_edit_form_queries(client, editor, overview, django_assert_num_queries):
    client.force_login(editor)
    # Session, user, membership, the section with its plan; then the shared draft with its
    # stored updates in one statement. The first time there is no draft yet: looked up again,
    # created (3), its text read.
    with django_assert_num_queries(10):
        assert client.get(url(overview, "section_edit"), **HX).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(url(overview, "section_edit"), **HX).status_code == 200
