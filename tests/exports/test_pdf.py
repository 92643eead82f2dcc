"""PDF export (Typst), read back with pypdf: what a reader of the printed plan sees."""

import re
from html import unescape
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import strip_tags
from pypdf import PdfReader

from planhub.exports.pdf import pdf_filename, plan_pdf
from planhub.exports.printing import css_string, print_body, print_context
from planhub.plans.builtin_templates import BUILTIN_TEMPLATES
from planhub.reviews.models import SectionDecision, SignOff
from planhub.reviews.status import review_plan
from tests.factories import make_plan
from tests.worker import run_queued_tasks

SMALL = """# Billing Rewrite

Why we rewrite billing.

## Scope

- [ ] invoices
- [x] refunds

```python
def total(lines):  # a long comment that has to wrap inside the code block, not run off the page
    return sum(line.amount for line in lines)
```

```mermaid
graph TD
  A[Invoice] --> B[Payment]
```

## Data

| Field | Type | Note |
|-------|------|------|
| amount | decimal | in cents |
| currency | char(3) | ISO 4217 |

## Risks

Nothing yet.
"""

LONG_TABLE = (
    "# Long Table Plan\n\n## Tasks\n\n| Key | Task | Owner |\n|-----|------|-------|\n"
    + "".join(
        f"| K{n:03d} | Task {n}: a description long enough to wrap onto a second line in its "
        f"column, which is where row {n:03d} ends | Owner{n:03d} |\n"
        for n in range(1, 91)
    )
)


def text_of(html: str) -> str:
    return " ".join(unescape(strip_tags(html)).split())


def read_pdf(data: bytes) -> tuple[PdfReader, list[str]]:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(data))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def assert_in_order(text: str, needles: list[str]) -> None:
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        assert found >= 0, f"{needle!r} missing, or out of order, after position {position}"
        position = found + len(needle)


def bookmarks(reader: PdfReader) -> list[tuple[str, int]]:
    """(title, 1-based page) of every PDF bookmark (one per heading), in document order."""
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append(
                    (" ".join(item.title.split()), reader.get_destination_page_number(item) + 1)
                )

    walk(reader.outline)
    return found


def toc_numbers(reader: PdfReader, content_start: int) -> list[tuple[str, int]]:
    """(entry, printed page number) of every table of contents line (a line with dot leaders,
    on the pages from the one after the title page to `content_start`), in order."""
    lines = []
    for page in reader.pages[1:content_start]:
        for entry, number in re.findall(r"(?m)^(.+?)(?: ?\.)+ ?(\d+)$", page.extract_text()):
            lines.append((" ".join(entry.split()), int(number)))
    return lines


def check_document(plan, data: bytes, *, draft: bool) -> list[str]:
    """The checks every exported plan passes; returns the pages' text."""
    reader, pages = read_pdf(data)
    context = print_context(plan, for_pdf=True)
    total = len(pages)
    # Title page: title, project, template, status, date, authors.
    assert text_of(plan.title) in pages[0]
    assert plan.project.name in pages[0]
    assert context["template_name"] in pages[0]
    assert context["plan_review"].status_label in pages[0]
    assert context["generated"]["label"][:10] in pages[0]  # the date it was made
    for author in context["authors"]:
        assert author in pages[0]
    # Running header (the title) and footer on every page but the title page.
    for number, text in enumerate(pages[1:], 2):
        assert f"Page {number} of {total}" in text
        assert text_of(plan.title) in text
    # DRAFT on every page while not approved, nowhere once approved.
    for number, text in enumerate(pages, 1):
        assert ("DRAFT" in text) is draft, f"page {number}"
    # Every heading, in order, after the table of contents.
    headings = [text_of(s.heading_html) for s in context["sections"] if s.level]
    marks = [mark for mark in bookmarks(reader) if mark[0] != "Contents"]
    content_start = marks[0][1]  # the first heading (the title) starts the content
    # The contents on page 2; the text follows them on the same page or the next.
    assert content_start in (2, 3) or (content_start > 3 and len(context["toc"]) > 30)
    assert_in_order(" ".join(pages[content_start - 1 :]), headings)
    # The table of contents lists the headings (H1-H3) with the page each one is on.
    toc = toc_numbers(reader, content_start)
    marks = {title: page for title, page in reversed(marks)}
    expected = [text_of(s.heading_html) for s in context["toc"]]
    if not context["signoff_section_id"]:
        expected.append("Sign-off")
    assert [entry for entry, _ in toc] == expected
    for entry, number in toc:
        assert marks[entry] == number, f"TOC says {entry!r} is on page {number}"
        assert entry in pages[number - 1]
    return pages


def approve_everything(plan, owner, reviewer):
    for section in plan.sections.all():
        section.plan = plan
        SectionDecision.record(
            section=section, reviewer=reviewer, decision="approved", version=section.version
        )
    for slot in plan.signoff_slots.all():
        slot.assign(reviewer, by=owner)
        SignOff.record(
            slot,
            user=reviewer,
            decision="signed",
            reason="",
            seen_hash=review_plan(plan).content_hash,
        )
    assert review_plan(plan).status == "approved"


# --- the download -------------------------------------------------------------------------


def test_viewer_downloads_a_pdf_named_after_the_plan(client, project, owner, viewer):
    plan = make_plan(project, owner, text=SMALL)
    client.force_login(viewer)
    assert client.get(reverse("export_pdf", args=[project.slug, plan.pk])).status_code == 202
    run_queued_tasks()
    response = client.get(reverse("export_pdf", args=[project.slug, plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="billing-rewrite.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert pdf_filename(plan) == "billing-rewrite.pdf"


# --- what the pages show ------------------------------------------------------------------


def test_small_draft_plan(project, owner, editor):
    plan = make_plan(project, owner, text=SMALL)
    risks = plan.sections.get(heading="Risks")
    risks.plan = plan
    risks.save_edit(author=editor, heading="Risks", body="Vendor lock-in.", base_version=1)
    pages = check_document(plan, plan_pdf(plan), draft=True)
    text = " ".join(pages)
    assert "olivia, eddie" in pages[0]  # authors: everyone who saved a revision, in order
    # Task lists as glyphs, code wrapped (all of it printed), mermaid drawn: its labels, not
    # its source.
    assert "☐ invoices" in text and "☑ refunds" in text
    assert "not run off the page" in text
    assert "return sum(line.amount for line in lines)" in text
    assert "Invoice" in text and "Payment" in text
    assert "A[Invoice] --> B[Payment]" not in text and "Mermaid source" not in text
    # Table cells.
    for cell in ["Field", "Type", "amount", "decimal", "in cents", "currency", "ISO 4217"]:
        assert cell in text
    assert "Vendor lock-in." in text
    # Sign-off table (the default slot, appended at the end), waiting for an assignee.
    assert "Sign-off Assignee Decision / status Date" in text
    assert "Plan approval Nobody yet ○ Unassigned —" in text


def test_approved_plan_has_no_draft_mark(project, owner, reviewer):
    plan = make_plan(project, owner, text=SMALL)
    approve_everything(plan, owner, reviewer)
    pages = check_document(plan, plan_pdf(plan), draft=False)
    signed = review_plan(plan).slots[0].latest.created_at.strftime("%Y-%m-%d %H:%M")
    assert "Approved" in pages[0]
    assert f"Plan approval rita ✓ Signed off {signed}" in " ".join(pages)


def test_stale_and_declined_signoffs_are_shown_as_such(project, owner, reviewer, editor):
    text = (
        "# Launch\n\n## Summary\n\nWhat we launch.\n\n## Approvals\n\n"
        "- **Technical Design**: [Name/Role]\n- **Security Review**: [Name/Role]\n"
        "- **Product Sign-off**: [Name/Role]\n\n## References\n\n- none\n"
    )
    plan = make_plan(project, owner, text=text)
    slots = list(plan.signoff_slots.order_by("position"))
    for slot in slots[:2]:
        slot.assign(reviewer, by=owner)
    seen = review_plan(plan).content_hash
    SignOff.record(slots[0], user=reviewer, decision="signed", reason="", seen_hash=seen)
    SignOff.record(
        slots[1], user=reviewer, decision="declined", reason="Needs a threat model", seen_hash=seen
    )
    section = plan.sections.get(heading="Summary")
    section.plan = plan
    section.save_edit(
        author=editor, heading="Summary", body="Changed after sign-off.", base_version=1
    )
    pages = check_document(plan, plan_pdf(plan), draft=True)
    text = " ".join(pages)
    assert (
        "Technical Design rita ↻ Stale (signed on earlier content by rita: no longer counts)"
        in text
    )
    # A decline counts for the content it was made on: after the edit it waits again.
    assert (
        "Security Review rita ○ Waiting (declined earlier content: needs a new decision) "
        "“Needs a threat model”" in text
    )
    assert "Product Sign-off Nobody yet ○ Unassigned" in text
    # The table replaces the Approvals placeholder list, under its heading.
    assert_in_order(text, ["Approvals", "Sign-off Assignee", "References"])
    assert "[Name/Role]" not in text


def test_long_table_repeats_its_header_and_never_splits_a_row(project, owner):
    plan = make_plan(project, owner, text=LONG_TABLE)
    _, pages = read_pdf(plan_pdf(plan))
    table_pages = [text for text in pages if re.search(r"K\d{3}", text)]
    assert len(table_pages) >= 3, "the table should run over several pages"
    for text in table_pages:
        assert "Key Task Owner" in text  # the header row, on every page of the table
    for n in range(1, 91):
        row = [f"K{n:03d} ", f"Task {n}:", f"where row {n:03d} ends", f"Owner{n:03d}"]
        holding = {i for i, text in enumerate(pages) for cell in row if cell in text}
        assert len(holding) == 1, f"row {n} is split across pages {holding}"


@pytest.mark.parametrize("slug", BUILTIN_TEMPLATES)
@pytest.mark.parametrize("filled", [False, True], ids=["unfilled", "filled"])
def test_builtin_templates(project, owner, editor, slug, filled):
    plan = make_plan(project, owner, slug=slug)
    if filled:  # an editor replaced every [placeholder] by a value
        for section in plan.sections.all():
            body = re.sub(r"\[(?![ xX]\])([^\]\n]+)\](?!\()", r"\1 filled", section.body)
            if body != section.body:
                section.plan = plan
                section.save_edit(author=editor, heading=section.heading, body=body, base_version=1)
    pages = check_document(plan, plan_pdf(plan), draft=True)
    text = " ".join(pages)
    slots = [s.name for s in plan.signoff_slots.all()]
    assert_in_order(text, ["Sign-off Assignee Decision / status Date", *slots])
    if filled:
        # The template's text has no author: only the editor who filled it in is named.
        assert "Author eddie" in pages[0] and "olivia" not in pages[0]
        assert " filled" in text
    if slug == "phase-plan" and not filled:
        assert "graph TD" not in text and "Mermaid source" not in text  # drawn


# --- pieces ---------------------------------------------------------------------------


def test_print_body_adapts_rendered_html_to_paper():
    html = (
        '<ul class="contains-task-list"><li class="task-list-item"><input class="task-list-'
        'item-checkbox" disabled="disabled" type="checkbox"> a</li><li class="task-list-item">'
        '<input class="task-list-item-checkbox" checked="checked" disabled="disabled" '
        'type="checkbox"> b</li></ul><div class="mermaid">graph TD; A--&gt;B\n</div>'
    )
    out = print_body(html)
    assert "<input" not in out and "☐</span> a" in out and "☑</span> b" in out
    assert '<pre class="mermaid-source"><code>graph TD; A--&gt;B</code></pre>' in out


def test_printed_code_keeps_the_colours_of_keywords_strings_and_comments_only():
    from planhub.document.rendering import render_markdown

    on_screen = render_markdown(
        '```python\ndef total(lines):  # sum\n    return "ok" + str(n)\n```'
    )
    in_pdf = print_body(on_screen, for_pdf=True)
    assert '<span class="nf">total</span>' in on_screen  # the plan page colours every token
    assert '<span class="k">def</span>' in in_pdf
    assert '<span class="s2">"ok"</span>' in in_pdf
    assert '<span class="c1"># sum</span>' in in_pdf
    assert 'class="nf"' not in in_pdf and 'class="p"' not in in_pdf and 'class="n"' not in in_pdf
    assert strip_tags(in_pdf) == strip_tags(on_screen)  # every character of the code is kept


def test_css_string_cannot_break_out_of_the_style_element():
    assert css_string('A "b" </style> \\') == '"A \\22 b\\22  \\3c \\2f style\\3e  \\5c "'


def test_remote_images_are_never_fetched(project, owner, monkeypatch):
    import urllib.request

    fetched = []
    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda self, url, *a, **k: fetched.append(url)
    )
    text = (
        '# Pics\n\n![a chart](http://127.0.0.1:9/x.png)\n\n<img src="https://example.org/y.png">\n'
    )
    plan = make_plan(project, owner, text=text)
    _, pages = read_pdf(plan_pdf(plan))
    assert "Pics" in pages[0]
    assert "[a chart]" in " ".join(pages) and "[image]" in " ".join(pages)
    assert fetched == []
    inline = '<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="dot"></p>'
    assert print_body(inline, for_pdf=True) == inline


# --- the command ------------------------------------------------------------------------


def test_command_writes_a_pdf(tmp_path, project, owner, monkeypatch):
    from planhub.exports import pdf

    asked = []
    real = pdf.draw_missing
    monkeypatch.setattr(pdf, "draw_missing", lambda sources: asked.append(sources) or real(sources))
    plan = make_plan(project, owner, text=SMALL)
    target = tmp_path / "plan.pdf"
    err = StringIO()
    call_command("export_plan", plan.pk, "--format", "pdf", "-o", str(target), stderr=err)
    _, pages = read_pdf(target.read_bytes())
    assert "Billing Rewrite" in pages[0] and f"Wrote {target}" in err.getvalue()
    assert "Nothing yet." in " ".join(pages)
    assert asked == [["graph TD\n  A[Invoice] --> B[Payment]\n"]]  # the diagram is drawn


def test_command_needs_an_output_file_for_pdf(project, owner):
    plan = make_plan(project, owner, text="# Tiny\n")
    with pytest.raises(CommandError, match="give -o FILE"):
        call_command("export_plan", plan.pk, "--format", "pdf", stdout=StringIO())
