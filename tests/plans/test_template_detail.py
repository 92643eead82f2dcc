"""A template's preview page (/p/<slug>/templates/<id>/): its outline and its rendered Markdown."""

from planhub.plans.models import PlanTemplate
from tests.factories import builtin_template
from tests.security.html_audit import audit

from .conftest import detail_url


def test_preview_page_shows_outline_and_rendered_markdown(client, viewer, uploaded):
    client.force_login(viewer)
    response = client.get(detail_url(uploaded))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Runbook</h1>" in html and "For on-call services." in html
    assert "Outline (4 headings)" in html and '<li class="outline-level-3">Paging</li>' in html
    assert '<h2 dir="auto">Alerts</h2>' in html and '<p dir="auto">Who.</p>' in html  # rendered
    assert "Use this template" not in html  # viewers do not create plans


def test_preview_of_a_builtin_says_it_cannot_be_archived(client, editor):
    template = builtin_template("technical-approach-plan")
    client.force_login(editor)
    html = client.get(detail_url(template)).content.decode()
    assert "built-in templates cannot be archived" in html
    assert 'value="archive"' not in html and "Use this template" in html


def test_archived_template_preview_has_a_banner_and_restore(client, editor, uploaded):
    uploaded.set_archived(True, editor)
    client.force_login(editor)
    html = client.get(detail_url(uploaded)).content.decode()
    assert "<strong>Archived</strong> by eddie" in html and 'value="restore"' in html
    assert "Use this template" not in html


def test_preview_escapes_names_descriptions_and_headings(client, editor, project):
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    template = PlanTemplate.create_uploaded(
        project=project, text=f"# T\n\n## xq001z {evil}\n\nxq002z {evil}\n", name=f"xq003z {evil}"
    )
    template.description = f"xq004z {evil}"
    template.save()
    client.force_login(editor)
    result = audit(client.get(detail_url(template)).content.decode())
    assert result.findings == [], result.findings
    assert {"xq001z", "xq003z", "xq004z"} <= set(result.markers)


def test_preview_never_parses_markdown(client, editor, uploaded, monkeypatch):
    """A template is up to 2 MB: its preview shows what was rendered when it was saved."""

    def no_parsing(*args, **kwargs):
        raise AssertionError("Markdown parsed on a page view")

    monkeypatch.setattr("markdown_it.MarkdownIt.parse", no_parsing)
    client.force_login(editor)
    html = client.get(detail_url(uploaded)).content.decode()
    assert '<h2 dir="auto">Alerts</h2>' in html
    assert '<li class="outline-level-3">Paging</li>' in html


def test_preview_queries(client, viewer, uploaded, django_assert_max_num_queries):
    client.force_login(viewer)
    with django_assert_max_num_queries(5):  # +1: the top bar's unread count
        assert client.get(detail_url(uploaded)).status_code == 200
