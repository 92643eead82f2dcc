"""The templates library (/p/<slug>/templates/), a template's preview page and archiving a
project's own templates."""

import re

import pytest
from django.urls import reverse

from planhub.plans.models import Plan, PlanTemplate
from tests.factories import builtin_template, make_plan, make_project, make_user
from tests.security.html_audit import audit

TEMPLATE_TEXT = "# Runbook: [Service]\n\nIntro.\n\n## Alerts\n\n### Paging\n\nWho.\n\n## Rollback\n"


def library_url(slug="apollo"):
    return reverse("template_library", args=[slug])


def detail_url(template, slug="apollo"):
    return reverse("template_detail", args=[slug, template.pk])


def archive_url(template, slug="apollo"):
    return reverse("template_archive", args=[slug, template.pk])


@pytest.fixture
def uploaded(project, editor):
    template = PlanTemplate.create_uploaded(
        project=project, text=TEMPLATE_TEXT, name="Runbook", author=editor
    )
    template.description = "For on-call services."
    template.save()
    return template


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


def test_import_page_preselects_template_from_library_link(client, editor):
    client.force_login(editor)
    url = reverse("plan_import", args=["apollo"])
    preset = client.get(url + "?kind=template").content.decode()
    assert "checked" in re.search(r'<input[^>]*value="template"[^>]*>', preset).group(0)
    plain = client.get(url).content.decode()
    assert "checked" not in re.search(r'<input[^>]*value="template"[^>]*>', plain).group(0)


def test_preview_page_shows_outline_and_rendered_markdown(client, viewer, uploaded):
    client.force_login(viewer)
    response = client.get(detail_url(uploaded))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Runbook</h1>" in html and "For on-call services." in html
    assert "Outline (4 headings)" in html and '<li class="outline-level-3">Paging</li>' in html
    assert "<h2>Alerts</h2>" in html and "<p>Who.</p>" in html  # rendered
    assert "Use this template" not in html  # viewers do not create plans


def test_preview_of_a_builtin_says_it_cannot_be_archived(client, editor):
    template = builtin_template("technical-approach-plan")
    client.force_login(editor)
    html = client.get(detail_url(template)).content.decode()
    assert "built-in templates cannot be archived" in html
    assert 'value="archive"' not in html and "Use this template" in html


@pytest.mark.parametrize("role", ["editor", "owner"])
def test_archive_and_restore(client, members, uploaded, role):
    plan = Plan.create_from_template(
        project=uploaded.project,
        template=uploaded,
        author=members["owner"],
        values={"Service": "X"},
    )
    client.force_login(members[role])
    response = client.post(archive_url(uploaded), {"action": "archive"}, follow=True)
    assert response.redirect_chain[-1][0] == library_url()
    uploaded.refresh_from_db()
    assert uploaded.is_archived and uploaded.archived_by == members[role]
    html = response.content.decode()
    assert "Archived the template “Runbook”" in html
    card = html.index(f'id="template-{uploaded.pk}"')
    assert card > html.index('id="archived-heading"') and 'value="restore"' in html[card:]
    # Hidden from the chooser; its plans keep working.
    chooser = client.get(reverse("plan_new", args=["apollo"])).content.decode()
    assert "Runbook" not in chooser
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200 and "From Runbook" in page.content.decode()
    # Restore.
    response = client.post(archive_url(uploaded), {"action": "restore"}, follow=True)
    uploaded.refresh_from_db()
    assert not uploaded.is_archived and uploaded.archived_by is None
    assert "Restored “Runbook”" in response.content.decode()
    assert "Runbook" in client.get(reverse("plan_new", args=["apollo"])).content.decode()


def test_an_archived_template_cannot_start_a_plan(client, editor, uploaded):
    uploaded.set_archived(True, editor)
    client.force_login(editor)
    url = reverse("plan_new", args=["apollo"])
    response = client.get(url, {"template": uploaded.pk}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "The template “Runbook” is archived." in response.content.decode()
    response = client.post(url, {"template": uploaded.pk, "placeholder_0": "X"})
    assert response.status_code == 302 and not Plan.objects.exists()


def test_builtin_templates_cannot_be_archived(client, owner):
    template = builtin_template()
    client.force_login(owner)
    assert client.post(archive_url(template), {"action": "archive"}).status_code == 404
    template.refresh_from_db()
    assert template.archived_at is None
    with pytest.raises(ValueError):
        template.set_archived(True, owner)


def test_unknown_action_changes_nothing(client, editor, uploaded):
    client.force_login(editor)
    response = client.post(archive_url(uploaded), {"action": "delete"}, follow=True)
    assert "Choose Archive or Restore." in response.content.decode()
    uploaded.refresh_from_db()
    assert uploaded.archived_at is None


def test_archive_goes_back_to_a_local_next_only(client, editor, uploaded):
    client.force_login(editor)
    data = {"action": "archive", "next": detail_url(uploaded)}
    assert client.post(archive_url(uploaded), data)["Location"] == detail_url(uploaded)
    data = {"action": "restore", "next": "https://evil.example/p/apollo/"}
    assert client.post(archive_url(uploaded), data)["Location"] == library_url()


def test_archived_template_preview_has_a_banner_and_restore(client, editor, uploaded):
    uploaded.set_archived(True, editor)
    client.force_login(editor)
    html = client.get(detail_url(uploaded)).content.decode()
    assert "<strong>Archived</strong> by eddie" in html and 'value="restore"' in html
    assert "Use this template" not in html


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
    for url in (library_url(), detail_url(template)):
        result = audit(client.get(url).content.decode())
        assert result.findings == [], (url, result.findings)
        assert {"xq001z", "xq003z", "xq004z"} <= set(result.markers)


# --- rendered once, when saved ---------------------------------------------------------------


def test_saving_a_template_renders_its_markdown_and_reads_its_outline(project, editor):
    from planhub.document.rendering import render_markdown

    template = PlanTemplate.create_uploaded(project=project, text=TEMPLATE_TEXT, name="Runbook")
    assert template.rendered_html == render_markdown(TEMPLATE_TEXT)
    assert template.outline() == [
        (1, "Runbook: [Service]"),
        (2, "Alerts"),
        (3, "Paging"),
        (2, "Rollback"),
    ]
    template.source = "# Other\n\n## Only\n"
    template.save()
    template.refresh_from_db()
    assert "<h2>Only</h2>" in template.rendered_html and template.title_line() == "Other"
    assert template.title_placeholders() == []


def test_archiving_does_not_render_again(project, editor, uploaded, monkeypatch):
    def no_rendering(text):
        raise AssertionError("rendered again")

    monkeypatch.setattr("planhub.plans.models.render_markdown", no_rendering)
    uploaded.set_archived(True, editor)
    uploaded.set_archived(False)


def test_builtin_templates_are_rendered_when_seeded(db):
    from planhub.document.rendering import render_markdown
    from planhub.plans.builtin_templates import BUILTIN_TEMPLATES, read_seed

    for slug in BUILTIN_TEMPLATES:
        template = builtin_template(slug)
        assert template.rendered_html == render_markdown(read_seed(slug))
        assert len(template.outline()) > 5


def test_library_and_preview_never_parse_markdown(client, editor, uploaded, monkeypatch):
    """A template is up to 2 MB: its pages show what was rendered when it was saved."""

    def no_parsing(*args, **kwargs):
        raise AssertionError("Markdown parsed on a page view")

    monkeypatch.setattr("markdown_it.MarkdownIt.parse", no_parsing)
    client.force_login(editor)
    html = client.get(library_url()).content.decode()
    assert '<li class="outline-level-3">Paging</li>' in html
    html = client.get(detail_url(uploaded)).content.decode()
    assert "<h2>Alerts</h2>" in html and '<li class="outline-level-3">Paging</li>' in html


def test_migration_0007_renders_existing_templates(project, uploaded):
    import importlib
    from types import SimpleNamespace

    PlanTemplate.objects.filter(pk=uploaded.pk).update(rendered_html="", headings=[])
    migration = importlib.import_module("planhub.plans.migrations.0007_template_html")
    migration.render_templates(SimpleNamespace(get_model=lambda app, name: PlanTemplate), None)
    uploaded.refresh_from_db()
    assert "<h3>Paging</h3>" in uploaded.rendered_html
    assert uploaded.outline()[1:3] == [(2, "Alerts"), (3, "Paging")]
    assert builtin_template("phase-plan").rendered_html  # every row, built-in ones too
