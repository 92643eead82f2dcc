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


def test_edit_form_queries(client, editor, overview, django_assert_max_num_queries):
    client.force_login(editor)
    # + the shared draft: looked up (1), created (3, the first time only), its text read (1:
    # snapshot and updates in one statement); the plan is read with the section.
    with django_assert_max_num_queries(9):
        assert client.get(url(overview, "section_edit"), **HX).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(url(overview, "section_edit"), **HX).status_code == 200
