"""The Typst PDF (exports/typst_pdf.py), compiled and read back with pypdf and pdftotext
(poppler-utils): what a committee reading the printed plan sees."""

import re
import subprocess
import time
from datetime import UTC, datetime
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
import typst
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from bench.dataset import benchmark_plan_markdown
from planhub.exports.typst_markup import body_markup
from planhub.exports.typst_pdf import (
    GENERATED_SLOT,
    compile_pdf,
    plan_document,
    standards_for,
    version_document,
    with_generation_time,
)
from planhub.plans.models import Plan
from planhub.reviews.models import SignOff
from planhub.reviews.status import review_plan
from tests.baselines.conftest import approve_everything, freeze
from tests.factories import builtin_template, make_plan

SHOTS = Path("/tmp/shots/pdf")
FILLER = "A sentence that fills a line of the page, more or less, and then some more words."
CONVERTER_LINKS = "link(" in body_markup(
    '<p><a href="#summary">Summary</a></p>', frozenset({"summary"})
)


# --- helpers ------------------------------------------------------------------------------


def pdf_of(plan, when=None) -> bytes:
    return compile_pdf(with_generation_time(plan_document(plan), when or timezone.now()), {})


def page_texts(data: bytes) -> list[str]:
    """Each page's text as pdftotext reads it, in layout order."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return out.split("\f")[: len(PdfReader(BytesIO(data)).pages)]


def lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


def outline_tree(reader: PdfReader, items=None) -> list[tuple[str, int, list]]:
    """The bookmarks as (title, page index, children)."""
    tree: list = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            title, page, _ = tree[-1]
            tree[-1] = (title, page, outline_tree(reader, item))
        else:
            tree.append((item.title, reader.get_destination_page_number(item), []))
    return tree


def flat(tree) -> list[tuple[str, int]]:
    return [pair for title, page, kids in tree for pair in [(title, page), *flat(kids)]]


def shape(tree) -> list:
    return [(title, shape(kids)) if kids else title for title, _, kids in tree]


def links_on(reader: PdfReader, index: int) -> list[tuple[str, int]]:
    """The internal links on page `index`: (destination name, page index it lands on)."""
    named = reader.named_destinations
    found = []
    for annot in reader.pages[index].get("/Annots") or []:
        annot = annot.get_object()
        if annot.get("/Subtype") != "/Link":
            continue
        dest = annot.get("/Dest") or (annot.get("/A") or {}).get("/D")
        if isinstance(dest, str) and dest in named:
            found.append((dest, reader.get_destination_page_number(named[dest])))
    return found


def save(data: bytes, name: str, pages: int = 4) -> None:
    """The PDF and its first pages as PNG, to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-l", str(pages), str(path), str(SHOTS / name)],
        check=True,
    )


def assert_no_stranded_heading(data: bytes, headings) -> None:
    """No heading is the last thing on its page: something of the section follows it there."""
    pages = page_texts(data)
    reader = PdfReader(BytesIO(data))
    marks = dict(flat(outline_tree(reader)))
    for heading in headings:
        index = marks[heading]
        content = lines(pages[index])[:-1]  # the footer last
        # the heading's (last) line: a long heading wraps
        where = max(i for i, line in enumerate(content) if line and heading.endswith(line))
        assert where < len(content) - 1, f"{heading!r} is last on page {index + 1}"


def signoff(plan, user, owner, decision="signed", reason=""):
    slot = plan.signoff_slots.first()
    slot.assign(user, by=owner)
    SignOff.record(
        slot, user=user, decision=decision, reason=reason, seen_hash=review_plan(plan).content_hash
    )


# --- layout: headings, the sign-off table, the contents ----------------------------------


def test_benchmark_plan_compiles_in_under_a_second_with_no_stranded_heading(project, owner):
    plan = make_plan(project, owner, text=benchmark_plan_markdown())
    document = with_generation_time(plan_document(plan), timezone.now())
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "bench.typ").write_text(document.source)
    compile_pdf(document, {})  # the worker's first document also loads the fonts
    start, cpu = time.perf_counter(), time.process_time()
    data = compile_pdf(document, {})
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    pages = len(PdfReader(BytesIO(data)).pages)
    print(f"100-section plan: {cpu:.2f} s CPU ({elapsed:.2f} s wall), {pages} pages")
    save(data, "bench")
    # CPU time (all of typst's threads): the wall clock also counts the other processes of a
    # shared machine. WeasyPrint took 2.7-6.8 s of CPU for this plan.
    assert cpu < 1.0
    headings = [title for title, _ in flat(outline_tree(PdfReader(BytesIO(data))))]
    assert len(headings) == 100
    assert_no_stranded_heading(data, headings)


@pytest.mark.parametrize("filler", range(30, 50, 2))
def test_a_heading_at_the_foot_of_a_page_moves_to_the_next_with_its_text(project, owner, filler):
    """The first section grows a line at a time past the point where "Stuck" would be last on
    page 3 (the title page and the contents come first)."""
    text = "# Keep\n\n## Long\n\n" + "\n\n".join([FILLER] * filler) + "\n\n## Stuck\n\nIts text.\n"
    data = pdf_of(make_plan(project, owner, text=text))
    assert_no_stranded_heading(data, ["Long", "Stuck"])
    page = next(i for i, p in enumerate(page_texts(data)) if "Its text." in p)
    assert "Stuck" in lines(page_texts(data)[page])


@pytest.mark.parametrize("filler", range(32, 48, 3))
def test_the_signoff_heading_is_on_the_page_of_its_table(project, owner, filler):
    text = (
        "# Sign\n\n## Body\n\n"
        + "\n\n".join([FILLER] * filler)
        + "\n\n## Approvals\n\n"
        + "".join(f"- **Reviewer {n}**: [Name]\n" for n in range(1, 7))
    )
    data = pdf_of(make_plan(project, owner, text=text))
    pages = page_texts(data)
    reader = PdfReader(BytesIO(data))
    heading_page = dict(flat(outline_tree(reader)))["Approvals"]
    for n in range(1, 7):
        assert f"Reviewer {n}" in pages[heading_page], f"row {n} is not with its heading"
    assert "Sign-offs (0 of 6 signed" in pages[heading_page]


def test_a_signoff_table_longer_than_a_page_is_split_and_nothing_is_lost(project, owner):
    text = "# Many\n\n## Approvals\n\n" + "".join(
        f"- **Reviewer {n:02d}**: [Name]\n" for n in range(1, 81)
    )
    data = pdf_of(make_plan(project, owner, text=text))
    text_all = "\n".join(page_texts(data))
    for n in range(1, 81):
        assert f"Reviewer {n:02d}" in text_all
    assert len(PdfReader(BytesIO(data)).pages) >= 4


def test_contents_just_over_a_page_leave_no_near_empty_page(project, owner):
    text = "# Index\n\n" + "".join(
        f"## Topic {n:02d}\n\nAbout topic {n:02d}.\n\n" for n in range(1, 61)
    )
    data = pdf_of(make_plan(project, owner, text=text))
    pages = page_texts(data)
    save(data, "contents-overflow")
    # The contents run onto page 3 (index 2); the plan's text starts right after them there.
    assert "Topic 60" in pages[2] and "About topic 01." not in pages[1]
    assert "About topic 01." in pages[2]
    for index, page in enumerate(pages[1:-1], start=1):
        assert len(lines(page)) >= 12, f"page {index + 1} is nearly empty"


# --- bookmarks and links ------------------------------------------------------------------

NO_H1 = (
    "Text before any heading.\n\n## Alpha\n\na\n\n### Alpha one\n\nb\n\n##### Deep five\n\nc\n\n"
    "## Beta\n\nd\n\n#### Beta four\n\ne\n\n### Beta three\n\nf\n"
)


def test_bookmarks_follow_heading_levels_with_an_h1(project, owner):
    text = "# Title Here\n\nIntro.\n\n## Scope\n\ns\n\n### Detail\n\nd\n\n## Risks\n\nr\n"
    reader = PdfReader(BytesIO(pdf_of(make_plan(project, owner, text=text))))
    assert shape(outline_tree(reader)) == [
        ("Title Here", [("Scope", ["Detail"]), "Risks", "Sign-off"])
    ]


def test_bookmarks_of_a_plan_without_h1_are_not_nested_under_contents(project, owner):
    data = pdf_of(make_plan(project, owner, text=NO_H1))
    reader = PdfReader(BytesIO(data))
    tree = outline_tree(reader)
    assert shape(tree) == [
        ("Alpha", [("Alpha one", ["Deep five"])]),
        ("Beta", ["Beta four", "Beta three"]),
        "Sign-off",
    ]
    assert "Contents" not in [title for title, _ in flat(tree)]


def test_contents_entries_are_links_to_their_headings(project, owner):
    data = pdf_of(make_plan(project, owner, text=NO_H1))
    reader = PdfReader(BytesIO(data))
    marks = dict(flat(outline_tree(reader)))
    links = links_on(reader, 1)  # the contents page
    assert [name for name, _ in links] == [
        "h/alpha",
        "h/alpha-one",
        "h/beta",
        "h/beta-three",
        "planhub/signoffs",
    ]
    for name, page in links:
        assert page == marks.get(name.removeprefix("h/").replace("-", " ").capitalize(), page)
    assert marks["Alpha"] == dict(links)["h/alpha"] and marks["Beta"] == dict(links)["h/beta"]
    # Contents: plain text entries with their page numbers, depth 3, "Contents" not an entry
    contents = lines(page_texts(data)[1])
    assert contents[1] == "Contents"
    entries = [re.sub(r"[ .\u2060]+(\d+)$", r" \1", line) for line in contents if ". ." in line]
    assert entries == ["Alpha 2", "Alpha one 2", "Beta 2", "Beta three 2", "Sign-off 2"]


@pytest.mark.skipif(not CONVERTER_LINKS, reason="the body converter (typst_markup) is a stub")
def test_an_in_text_anchor_link_lands_on_its_heading(project, owner):
    text = "# Doc\n\n## Intro\n\nSee [Summary](#summary).\n\n" + (
        "\n\n".join([FILLER] * 80) + "\n\n## Summary\n\nThe gist.\n"
    )
    data = pdf_of(make_plan(project, owner, text=text))
    reader = PdfReader(BytesIO(data))
    summary_page = dict(flat(outline_tree(reader)))["Summary"]
    intro_page = dict(flat(outline_tree(reader)))["Intro"]
    assert summary_page > intro_page
    assert ("h/summary", summary_page) in links_on(reader, intro_page)


# --- the title page, DRAFT, the header ----------------------------------------------------


def test_draft_is_printed_once_per_page_and_the_watermark_is_not_text(project, owner):
    plan = make_plan(project, owner, text=benchmark_plan_markdown(30))
    data = pdf_of(plan)
    save(data, "draft", pages=2)
    pages = page_texts(data)
    assert len(pages) > 3
    # the title page's flag, then each page's header: never the watermark
    assert [p.count("DRAFT") for p in pages] == [1] * len(pages)
    title = lines(pages[0])
    assert "DRAFT" in title and not any("·" in line for line in title[:4])
    assert "Draft — 0 of" in pages[0]


def test_an_approved_plan_has_no_draft_mark_nor_watermark(project, owner, reviewer):
    plan = make_plan(project, owner, text=benchmark_plan_markdown(12))
    approve_everything(plan, reviewer=reviewer, owner=owner)
    data = pdf_of(plan)
    save(data, "approved", pages=2)
    text = "\n".join(page_texts(data))
    assert "DRAFT" not in text
    assert "Approved — 12 of 12 sections approved, 4 of 4 sign-offs" in text
    assert b"rotate" not in data  # no watermark image either (the draft SVG's form)
    reader = PdfReader(BytesIO(data))
    assert all(not (p["/Resources"].get("/XObject") or {}) for p in reader.pages)


def test_a_plan_in_review_says_draft_once_then_in_review(project, owner, reviewer):
    plan = make_plan(project, owner, text="# Reviewed\n\n## Scope\n\nText.\n")
    signoff(plan, reviewer, owner)
    review = review_plan(plan)
    data = pdf_of(plan)
    title = page_texts(data)[0]
    assert review.status in ("in_review", "draft")
    assert "DRAFT · Draft" not in title
    if review.status == "in_review":
        assert "DRAFT · In review" in title


def test_a_blank_plan_says_it_started_blank(project, owner):
    plan = Plan.create_blank(project=project, title="Fresh Start", author=owner)
    title = page_texts(pdf_of(plan))[0]
    assert "started blank" in title
    assert "Imported document" not in title


def test_template_and_import_are_named(project, owner):
    imported = page_texts(pdf_of(make_plan(project, owner, text="# Imp\n\nx\n")))[0]
    assert "Imported document" in imported
    plan = make_plan(project, owner)
    assert builtin_template().name in page_texts(pdf_of(plan))[0]


def test_header_and_footer_skip_the_title_page_and_number_pages(project, owner):
    title = "A very long title " + "that keeps going " * 12 + "until the end"
    plan = make_plan(project, owner, text=f"# {title}\n\n" + "\n\n".join([FILLER] * 120))
    data = pdf_of(plan)
    pages = page_texts(data)
    total = len(pages)
    assert "Page" not in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        page_lines = lines(page)
        assert page_lines[0].startswith("A very long title") and page_lines[0].endswith("DRAFT")
        assert "…" in page_lines[0] and "until the end" not in page_lines[0]
        assert page_lines[-1].startswith("Apollo") and page_lines[-1].endswith(
            f"Page {number} of {total}"
        )


def test_generation_time_and_metadata(project, owner):
    plan = make_plan(project, owner, text="# Meta Data\n\n## A\n\nx\n")
    document = plan_document(plan)
    assert GENERATED_SLOT in document.source
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    filled = with_generation_time(document, when)
    assert GENERATED_SLOT not in filled.source
    data = compile_pdf(filled, {})
    assert "2026-03-04 05:06" in page_texts(data)[0]
    reader = PdfReader(BytesIO(data))
    assert reader.metadata.title == "Meta Data"
    assert reader.metadata.author == "olivia"
    assert reader.metadata.creation_date.replace(tzinfo=None) == datetime(2026, 3, 4, 5, 6, 7)
    assert reader.metadata.get("/Keywords") in (None, "")
    assert b"<rdf:li>en</rdf:li>" in data  # language


def test_a_plan_title_cannot_inject_markup(project, owner):
    title = '#panic("x") ") #panic("y") *bold* $math$ <label> \\ "'
    plan = Plan.create_blank(project=project, title=title, author=owner)
    assert plan.title == title
    data = pdf_of(plan)
    assert '#panic("x")' in page_texts(data)[0].replace("\n", " ")


# --- the sign-off table ---------------------------------------------------------------------


def fill_colours(reader: PdfReader, index: int) -> dict[str, tuple]:
    """Each text run on page `index` with the fill colour it is drawn in."""
    state = {"colour": (0, 0, 0)}
    runs: dict[str, tuple] = {}

    def before(operator, operands, cm, tm):
        if operator in (b"rg", b"sc", b"scn") and len(operands) == 3:
            state["colour"] = tuple(round(float(v), 2) for v in operands)
        elif operator in (b"g", b"sc", b"scn") and len(operands) == 1:
            state["colour"] = (round(float(operands[0]), 2),) * 3

    def text(value, cm, tm, font, size):
        if value.strip():
            runs[value.strip()] = runs.get(value.strip(), state["colour"])

    reader.pages[index].extract_text(visitor_operand_before=before, visitor_text=text)
    return runs


def is_red(colour) -> bool:
    r, g, b = colour
    return r > 0.5 and g < 0.4 and b < 0.4


def test_signoff_notes_are_coloured_by_meaning(project, owner, reviewer):
    plan = make_plan(project, owner, text="# Colours\n\n## Approvals\n\n- **Design**: [Name]\n")
    signoff(plan, reviewer, owner, reason="Looks good to me")
    data = pdf_of(plan)
    save(data, "signed-note", pages=2)
    reader = PdfReader(BytesIO(data))
    runs = fill_colours(reader, 1)
    signed = [c for t, c in runs.items() if "Signed" in t]
    note = [c for t, c in runs.items() if "Looks good" in t]
    assert signed and note
    assert not any(is_red(c) for c in signed + note)

    declined = make_plan(project, owner, text="# Colours 2\n\n## Approvals\n\n- **Design**: [N]\n")
    signoff(declined, reviewer, owner, decision="declined", reason="Not yet")
    runs = fill_colours(PdfReader(BytesIO(pdf_of(declined))), 1)
    assert any(is_red(c) for t, c in runs.items() if "Declined" in t)
    assert not any(is_red(c) for t, c in runs.items() if "Not yet" in t)


# --- fonts, tags, frozen versions -----------------------------------------------------------


def test_emoji_print_with_an_emoji_font(project, owner):
    plan = make_plan(project, owner, text="# Launch 🚀\n\n## Status ✅\n\nDone 🎉.\n")
    data = pdf_of(plan)
    save(data, "emoji", pages=2)
    reader = PdfReader(BytesIO(data))
    fonts = {
        str(font.get_object().get("/BaseFont") or font.get_object().get("/Name"))
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("Emoji" in name for name in fonts), fonts
    assert any("LiberationSans" in name for name in fonts), fonts


def test_without_the_system_fonts_the_document_still_compiles(project, owner):
    """No emoji (nor any system) font: no error; at worst a box or a fallback glyph."""
    plan = make_plan(project, owner, text="# Launch 🚀\n\n## Status\n\nDone 🎉.\n")
    document = with_generation_time(plan_document(plan), timezone.now())
    data = typst.compile(document.source.encode(), ignore_system_fonts=True)
    assert data.startswith(b"%PDF") and "Status" in "\n".join(page_texts(data))


def test_the_pdf_is_tagged_and_pdf_ua_when_headings_allow(project, owner):
    data = pdf_of(make_plan(project, owner, text="# Tagged\n\n## A\n\n### B\n\nx\n"))
    reader = PdfReader(BytesIO(data))
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert b"<pdfuaid:part>1</pdfuaid:part>" in data
    skipped = pdf_of(make_plan(project, owner, text=NO_H1))  # H3 → H5: not PDF/UA, tagged
    assert b"pdfuaid" not in skipped
    assert "/StructTreeRoot" in PdfReader(BytesIO(skipped)).trailer["/Root"]


def test_standards_only_when_no_level_is_skipped():
    assert standards_for([1, 2, 3, 2, 3, 4]) == ("ua-1",)
    assert standards_for([2, 3, 2]) == ("ua-1",)
    assert standards_for([2, 4]) == ()
    assert standards_for([1, 3]) == ()
    assert standards_for([3, 4]) == ("ua-1",)  # after the contents' H2, an H3 is next in line


def test_a_frozen_version_says_so_and_never_draft(project, owner, reviewer, monkeypatch):
    monkeypatch.setattr("planhub.baselines.models.head", lambda project_id: "ab12" * 16)
    plan = make_plan(project, owner, text="# Frozen Plan\n\n## Scope\n\nx\n\n## Approvals\n\n- A\n")
    approve_everything(plan, reviewer=reviewer, owner=owner)
    version = freeze(plan, owner, name="v1.0", note="Board approved")
    data = compile_pdf(with_generation_time(version_document(version), timezone.now()), {})
    save(data, "frozen", pages=3)
    pages = page_texts(data)
    title = " ".join(lines(pages[0]))
    assert re.search(r"FROZEN · Version v1\.0 — frozen \d{4}-\d\d-\d\d by olivia", title)
    assert version.content_hash in title.replace(" ", "")
    assert "ab12" * 16 in title.replace(" ", "")
    assert "DRAFT" not in "\n".join(pages)
    assert all(lines(p)[0].endswith("FROZEN") for p in pages[1:])
    assert "Sign-offs of version v1.0" in "\n".join(pages)


def test_long_words_in_titles_and_headings_wrap_instead_of_leaving_the_page(project, owner):
    word = "averyveryverylongidentifierwithoutanyspaces_" * 4
    plan = make_plan(project, owner, text=f"# {word}\n\n## {word}x\n\nBody.\n")
    pages = page_texts(pdf_of(plan))
    title_page = "".join(lines(pages[0]))
    assert word in title_page  # every character on the page, none past its edge
    body = "".join(lines(pages[1]))
    assert word + "x" in body


def test_headings_carry_the_pages_github_ids(project, owner):
    text = (
        "Text before any heading.\n\n## Notes\n\na\n\n## Notes\n\nb\n\n"
        "## What's new? `{METHOD} {path}`\n\nc\n\n##\n\nd\n"
    )
    data = pdf_of(make_plan(project, owner, text=text))
    reader = PdfReader(BytesIO(data))
    assert set(reader.named_destinations) >= {
        "h/notes",
        "h/notes-1",
        "h/whats-new-method-path",
        "planhub/signoffs",
    }
    titles = [title for title, _ in flat(outline_tree(reader))]
    assert titles == ["Notes", "Notes", "What's new? {METHOD} {path}", "Sign-off"]


def test_a_plan_with_drawn_diagrams_compiles_tagged(project, owner):
    from planhub.exports.diagrams import Diagram

    text = "# Flow\n\n## Steps\n\n```mermaid\ngraph TD\n  A --> B\n```\n"
    document = with_generation_time(
        plan_document(make_plan(project, owner, text=text)), timezone.now()
    )
    assert document.diagram_sources == ("graph TD\n  A --> B\n",)
    svg = (Path(__file__).parents[2] / "planhub/exports/typst/draft.svg").read_text()
    data = compile_pdf(document, {document.diagram_sources[0]: Diagram("", svg=svg)})
    assert "/StructTreeRoot" in PdfReader(BytesIO(data)).trailer["/Root"]
    assert "Steps" in "\n".join(page_texts(data))


def expected_bookmarks(levels: list[int]) -> list:
    """The bookmark tree heading levels call for: each heading under the nearest earlier one
    of a lower level (the sign-off appendix is a level 2 heading at the end)."""
    root: list = []
    stack: list[tuple[int, list]] = [(0, root)]
    for index, level in enumerate(levels):
        while stack[-1][0] >= level:
            stack.pop()
        node: list = []
        title = f"Part {index} heading" if index < len(levels) - 1 else "Sign-off"
        stack[-1][1].append((title, node))
        stack.append((level, node))

    def plain(nodes):
        return [(title, plain(kids)) if kids else title for title, kids in nodes]

    return plain(root)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.integers(1, 6), st.integers(0, 30)),
        min_size=1,
        max_size=10,
    )
)
def test_any_heading_levels_give_nested_bookmarks_and_no_stranded_heading(project, owner, sections):
    text = "".join(
        "#" * level + f" Part {index} heading\n\n" + "".join(f"{FILLER}\n\n" for _ in range(n))
        for index, (level, n) in enumerate(sections)
    )
    data = pdf_of(make_plan(project, owner, text=text))
    reader = PdfReader(BytesIO(data))
    levels = [level for level, _ in sections] + [2]
    assert shape(outline_tree(reader)) == expected_bookmarks(levels)
    assert_no_stranded_heading(data, [f"Part {i} heading" for i in range(len(sections))])


def word_boxes(data: bytes, page: int) -> list[tuple[str, float, float]]:
    """(word, x min, x max) of each word on page `page` (1-based), from pdftotext -bbox."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [
        (unescape(word), float(x0), float(x1))
        for x0, x1, word in re.findall(
            r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', html
        )
    ]


def test_right_to_left_titles_and_headings_start_on_the_right(project, owner):
    text = "# מסמך תכנון\n\n## סיכום\n\nטקסט.\n\n## Summary\n\nText.\n"
    data = pdf_of(make_plan(project, owner, text=text))
    # pdftotext writes right-to-left words in visual order (reversed)
    title = [b for b in word_boxes(data, 1) if b[0][::-1] in ("תכנון", "מסמך")]
    right_edge = 595.28 - 56.7  # A4 width minus the 2 cm margin, in points
    assert title and max(x1 for _, _, x1 in title) > right_edge - 5
    body = word_boxes(data, 2)
    rtl = [b for b in body if b[0][::-1] == "סיכום" and b[1] > 300]
    ltr = [b for b in body if b[0] == "Summary" and b[1] < 100]
    assert rtl and rtl[-1][2] > right_edge - 5
    assert ltr  # a left-to-right heading stays on the left


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# No NUL: PostgreSQL cannot store it, and every form refuses it before (Django's
# ProhibitNullCharactersValidator); any other character can reach a title.
@given(
    st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=80).filter(
        lambda t: t.strip()
    )
)
def test_any_title_compiles_as_plain_text(project, owner, title):
    """Whatever a title holds (quotes, backslashes, Typst syntax, control characters), the
    document compiles: every value reaches Typst as a string literal."""
    plan = Plan.create_blank(project=project, title=title, author=owner)
    data = pdf_of(plan)
    assert data.startswith(b"%PDF")
    assert len(PdfReader(BytesIO(data)).pages) >= 2
