"""The co-editing editor's bundle (assets/coedit, built by `make assets`) is committed and loaded
by the pages that show a section editor."""

from pathlib import Path

from django.urls import reverse

from tests.factories import make_plan

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "static" / "vendor" / "coedit" / "coedit.js"
SRC = "/static/vendor/coedit/coedit.js"


def test_the_bundle_and_its_licenses_are_committed():
    text = BUNDLE.read_text()
    assert len(text) > 100_000  # CodeMirror and Yjs are in it, not fetched from a CDN
    assert "planhub-draft-" in text  # the IndexedDB name the editor uses
    assert "import(" not in text and "eval(" not in text  # one file, and the CSP forbids eval
    licenses = BUNDLE.with_name("coedit.LICENSES.txt").read_text()
    assert "- yjs" in licenses and "- @codemirror/view" in licenses


def test_the_plan_page_loads_the_bundle_before_drafts_js(client, project, owner):
    plan = make_plan(project, owner)
    client.force_login(owner)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert f'<script src="{SRC}" defer></script>' in html
    assert html.index(SRC) < html.index("/static/js/drafts.js")


def test_the_edit_page_without_htmx_loads_the_bundle(client, project, owner):
    plan = make_plan(project, owner)
    section = plan.sections.order_by("position")[1]
    client.force_login(owner)
    url = reverse("section_edit", args=[project.slug, plan.pk, section.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert SRC in response.content.decode()
