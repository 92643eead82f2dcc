"""The templates library (/p/<slug>/templates/): every template the project can use, with its
outline and how many plans it started."""

from planhub.plans.models import PlanTemplate
from tests.factories import builtin_template, make_plan, make_project, make_user
from tests.security.html_audit import audit

from .conftest import archive_url, detail_url, library_url


def test_library_lists_builtin_and_uploaded_templates(client, editor, uploaded, project):
    make_plan(project, author=editor, slug="phase-plan")
    make_plan(project, author=editor, slug="phase-plan")
    other = make_project(owner=make_user("someone"), slug="other")
    make_plan(other, slug="phase-plan")  # another project's plans are not counted
    client.force_login(editor)
    response = client.get(library_url())
    assert response.status_code == 200
    html = response.content.decode()
    for template in PlanTemplate.objects.filter(project=None):
        assert template.name in html and template.description in html
    assert html.count('<span class="tag">Built-in</span>') == 4
    assert "Runbook" in html and "For on-call services." in html and "Added by eddie" in html
    # The outline, one click away (<details>), indented by level.
    assert "Outline: 4 headings" in html
    assert '<li class="outline-level-2">Alerts</li>' in html
    assert '<li class="outline-level-3">Paging</li>' in html
    assert "2 plans made from it" in html and "0 plans made from it" in html
    phase = builtin_template("phase-plan")
    assert f'href="/p/apollo/plans/new/?template={phase.pk}"' in html
    assert f'href="{detail_url(uploaded)}"' in html
    # Uploading is the import page's, preset to “template”.
    assert 'href="/p/apollo/import/?kind=template"' in html
    # Archive buttons on the project's own templates only.
    assert html.count('value="archive"') == 1 and f'action="{archive_url(uploaded)}"' in html


def test_viewer_browses_but_cannot_use_or_archive(client, viewer, uploaded):
    client.force_login(viewer)
    html = client.get(library_url()).content.decode()
    assert "Runbook" in html and "Outline:" in html
    assert "Use this template" not in html and 'value="archive"' not in html
    assert "Upload a template" not in html


def test_library_queries_do_not_grow_with_templates(
    client, editor, project, django_assert_max_num_queries
):
    for number in range(10):
        PlanTemplate.create_uploaded(project=project, text=f"# T{number}\n\n## A\n", name="")
    client.force_login(editor)
    with django_assert_max_num_queries(6):
        assert client.get(library_url()).status_code == 200


def test_library_escapes_names_descriptions_and_headings(client, editor, project):
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    template = PlanTemplate.create_uploaded(
        project=project, text=f"# T\n\n## xq001z {evil}\n\nxq002z {evil}\n", name=f"xq003z {evil}"
    )
    template.description = f"xq004z {evil}"
    template.save()
    client.force_login(editor)
    result = audit(client.get(library_url()).content.decode())
    assert result.findings == [], result.findings
    assert {"xq001z", "xq003z", "xq004z"} <= set(result.markers)


def test_library_never_parses_markdown(client, editor, uploaded, monkeypatch):
    """A template is up to 2 MB: the library shows what was rendered when it was saved."""

    def no_parsing(*args, **kwargs):
        raise AssertionError("Markdown parsed on a page view")

    monkeypatch.setattr("markdown_it.MarkdownIt.parse", no_parsing)
    client.force_login(editor)
    html = client.get(library_url()).content.decode()
    assert '<li class="outline-level-3">Paging</li>' in html
