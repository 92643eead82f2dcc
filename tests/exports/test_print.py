"""The printable plan page (/print/): the PDF's own template and stylesheet, in the browser."""

from django.urls import reverse

from planhub.exports.printing import render_print_html
from tests.exports.test_pdf import SMALL, approve_everything
from tests.factories import make_plan


def print_url(plan):
    return reverse("plan_print", args=[plan.project.slug, plan.pk])


def test_url():
    assert reverse("plan_print", args=["apollo", 7]) == "/p/apollo/plans/7/print/"


def test_print_view_shows_the_document(client, project, owner, viewer):
    plan = make_plan(project, owner, text=SMALL)
    client.force_login(viewer)
    response = client.get(print_url(plan))
    html = response.content.decode()
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "css/print.css" in html and "css/planhub.css" not in html
    assert '<h1 class="doc-title">Billing Rewrite</h1>' in html
    # Contents links to every heading below the title; the sections keep those anchors.
    for section in plan.sections.exclude(heading="Billing Rewrite").exclude(level=0):
        assert f'<a href="#section-{section.pk}">' in html
        assert f'id="section-{section.pk}"' in html
    assert '<span class="task-box checked" title="done">☑</span>' in html
    assert "Diagram (Mermaid source)" in html and 'class="mermaid"' not in html
    assert '<table class="signoff-table">' in html and "Plan approval" in html
    assert '<div class="watermark" aria-hidden="true">DRAFT</div>' in html
    assert '@top-right { content: "DRAFT"; }' in html
    # A page for reading and printing: links back and to the PDF, nothing to edit.
    assert f'href="{plan.get_absolute_url()}"' in html
    assert reverse("export_pdf", args=[project.slug, plan.pk]) in html
    assert "<form" not in html and "<textarea" not in html and "<script" not in html


def test_approved_plan_prints_without_draft(client, project, owner, reviewer):
    plan = make_plan(project, owner, text=SMALL)
    approve_everything(plan, owner, reviewer)
    client.force_login(owner)
    html = client.get(print_url(plan)).content.decode()
    assert "DRAFT" not in html
    assert "Signed off" in html


def test_pdf_renders_the_same_document(client, project, owner):
    """The PDF is this page with its stylesheets embedded (and without the toolbar)."""
    plan = make_plan(project, owner, text=SMALL)
    client.force_login(owner)
    page = client.get(print_url(plan)).content.decode()
    document = render_print_html(plan, for_pdf=True)
    main = page[page.index('<main class="plan-content">') :]
    assert main == document[document.index('<main class="plan-content">') :]
    assert "@page" in document and "<link" not in document
    assert "print-toolbar" in page and "print-toolbar" not in document.split("</style>")[-1]


def test_title_with_css_and_html_specials_is_escaped(client, project, owner):
    plan = make_plan(project, owner, text='# A "quoted" </style><script>x</script> title\n')
    client.force_login(owner)
    html = client.get(print_url(plan)).content.decode()
    assert "<script>x</script>" not in html
    assert "\\3c \\2f style\\3e" in html  # the running header's CSS string


def test_queries_do_not_grow_with_sections(client, project, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(owner)

    def count(sections: int) -> int:
        text = "# Big\n\n" + "".join(f"## Part {n}\n\n- [ ] item {n}\n\n" for n in range(sections))
        plan = make_plan(project, owner, text=text)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(print_url(plan)).status_code == 200
        return len(queries)

    assert count(3) == count(40)
