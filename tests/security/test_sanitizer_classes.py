"""The sanitizer keeps no class, id or style attribute that a text wrote itself: user content can
never borrow the app's styles (a big "watermark" on every page of a draft PDF, a "highlight",
a "mermaid" container, a task checkbox) — while the renderer's own classes and styles (code
tokens, task lists, the mermaid container, front matter, table alignment) stay."""

import importlib
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from planhub.document.rendering import render_heading, render_markdown
from planhub.exports.printing import render_print_html
from planhub.plans.models import Section, SectionRevision
from tests.factories import make_plan

STAMP = '<div class="watermark">APPROVED</div>'
BORROWED = [
    STAMP,
    '<div class=\'watermark\' id="signoff-table" style="font-size:200px">APPROVED</div>',
    "<div/class=watermark>APPROVED</div>",
    '<DIV CLASS="watermark" STYLE="position:fixed">APPROVED</DIV>',
    '<div class="watermark"\nid="x">APPROVED</div>',
    "Inline <span class=\"highlight\">stamp</span> and <b class='k' id=top>bold</b>.",
    '<p class="alert alert-conflict" style="color:red">fake alert</p>',
    '<table><tr><td style="background:red" class="signoff-table">cell</td>'
    '<th style="text-align:center" id="x">head</th></tr></table>',
    '<div class="mermaid">graph TD\nA-->B</div>',
    '<pre class="front-matter"><code>title: fake</code></pre>',
    '<ul class="contains-task-list"><li class="task-list-item">'
    '<input class="task-list-item-checkbox" type="checkbox" checked> fake task</li></ul>',
    '<div class="highlight"><pre><span class="k">def</span></pre></div>',
    '<img src="https://example.com/x.png" class="watermark" style="width:100%" id="i">',
    '<a href="https://example.com/" class="button primary" id="a">a button</a>',
    '<span data-ph0123456789abcdef01234567-class="watermark">guessed name</span>',
    "<span data-class=\"watermark\" data-style='x' aria-describedby=y>data attributes</span>",
]


def attributes(html: str) -> set[str]:
    return set(re.findall(r"\s([a-z][a-z0-9-]*)=", html))


@pytest.mark.parametrize("text", BORROWED)
def test_text_keeps_no_class_id_or_style(text):
    for html in (render_markdown(f"before\n\n{text}\n"), render_markdown(f"inline {text}")):
        assert not {"class", "id", "style"} & attributes(html), html
        assert not [name for name in attributes(html) if name.startswith("data-")], html


def test_headings_keep_no_class_id_or_style():
    html = render_heading('Scope <span class="watermark" id="x" style="color:red">APPROVED</span>')
    assert html == "Scope <span>APPROVED</span>"


def test_the_renderers_own_classes_and_styles_stay():
    html = render_markdown(
        "---\ntitle: x\n---\n\n"
        "| left | centre | right |\n|:-----|:------:|------:|\n| 1 | 2 | 3 |\n\n"
        "- [ ] todo\n- [x] done\n\n"
        "```python\ndef f():\n    return 'x'\n```\n\n"
        "```mermaid\ngraph TD\n  A-->B\n```\n"
    )
    assert '<table class="front-matter">' in html and '<td dir="auto">x</td>' in html
    assert '<th style="text-align:left" dir="auto">left</th>' in html
    assert '<td style="text-align:center" dir="auto">2</td>' in html
    assert '<td style="text-align:right" dir="auto">3</td>' in html
    assert '<ul class="contains-task-list">' in html
    assert (
        '<li class="task-list-item" dir="auto"><input class="task-list-item-checkbox" '
        'disabled="disabled" type="checkbox"> todo</li>'
    ) in html
    assert 'checked="checked" disabled="disabled" type="checkbox"> done' in html
    assert '<div class="highlight"><pre><span></span><code><span class="k">def</span>' in html
    assert "<span class=\"s1\">'x'</span>" in html
    assert '<div class="mermaid">graph TD\n  A--&gt;B\n</div>' in html
    assert "data-" not in html


def test_each_rendering_marks_its_own_attributes_under_a_new_name():
    from planhub.document.rendering import Rendering

    names = {Rendering.env()["planhub_rendering"].own.prefix for _ in range(100)}
    assert len(names) == 100 and all(re.fullmatch(r"data-ph[0-9a-f]{24}-", n) for n in names)


def test_a_fake_stamp_reaches_neither_the_plan_page_nor_its_pdf(client, project, owner):
    plan = make_plan(project, owner, text=f"# Plan\n\n## Scope\n\n{STAMP}\n")
    client.force_login(owner)
    page = client.get(plan.get_absolute_url()).content.decode()
    printed = client.get(reverse("plan_print", args=[project.slug, plan.pk])).content.decode()
    for html in (page, printed, render_print_html(plan, for_pdf=True)):
        assert "<div>APPROVED</div>" in html
        assert 'class="watermark">APPROVED' not in html


def test_a_fake_task_checkbox_is_not_a_task(client, project, owner):
    plan = make_plan(
        project,
        owner,
        text='# P\n\n## T\n\n<input class="task-list-item-checkbox" type=checkbox>'
        "\n\n- [ ] real task\n",
    )
    section = plan.sections.get(heading="T")
    assert section.body_html.count('class="task-list-item-checkbox"') == 1


@pytest.mark.django_db
def test_stored_html_is_rendered_again_by_migration_0008(project, owner):
    plan = make_plan(project, owner, text="# Plan\n\n## Scope\n\nText.\n")
    section = plan.sections.get(heading="Scope")
    section.save_edit(author=owner, heading="Scope", body=STAMP, base_version=1)
    deleted = plan.sections.get(level=1)
    Section.objects.filter(pk=deleted.pk).update(deleted_at=section.updated_at)
    old_html = f"<p>{STAMP}</p>"  # as the old sanitizer stored it
    Section.all_objects.filter(plan=plan).update(
        body_html=old_html, heading_html='<span class="watermark">X</span>'
    )
    SectionRevision.objects.filter(section__plan=plan).update(body_html=old_html)
    before = Section.all_objects.get(pk=section.pk).updated_at

    migration = importlib.import_module("planhub.plans.migrations.0008_rerender_html")
    every_row = {  # historical models' managers see deleted sections too
        "Section": SimpleNamespace(objects=Section.all_objects),
        "SectionRevision": SimpleNamespace(objects=SectionRevision.objects),
    }
    apps = SimpleNamespace(get_model=lambda app, name: every_row[name])
    migration.rerender_html(apps, None)

    for row in Section.all_objects.filter(plan=plan):
        assert "watermark" not in row.body_html + row.heading_html
        assert row.body_html == render_markdown(row.body)
        assert row.heading_html == render_heading(row.heading)
    assert Section.all_objects.get(pk=section.pk).body_html == "<div>APPROVED</div>\n"
    assert Section.all_objects.get(pk=section.pk).updated_at == before  # not an edit
    assert not SectionRevision.objects.filter(body_html__contains="watermark").exists()
