"""The outline parser: CommonMark headings, and import -> export byte for byte."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.document.sections import join_sources, retitle, split_sections
from planhub.plans.builtin_templates import BUILTIN_TEMPLATES, SEED_DIR

SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seed-templates"


def roundtrip(text: str) -> str:
    return join_sources([section.source for section in split_sections(text)])


def headings(text: str) -> list[tuple[int, str]]:
    return [(s.level, s.heading) for s in split_sections(text) if s.level]


@pytest.mark.parametrize("slug", BUILTIN_TEMPLATES)
def test_builtin_templates_round_trip_byte_for_byte(slug):
    data = (SEED_DIR / f"{slug}.md").read_bytes()
    text = data.decode("utf-8")
    assert roundtrip(text).encode("utf-8") == data


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="shared/seed-templates not beside repo")
@pytest.mark.parametrize("slug", BUILTIN_TEMPLATES)
def test_shipped_templates_are_byte_identical_to_the_seeds(slug):
    assert (SEED_DIR / f"{slug}.md").read_bytes() == (SHARED_SEEDS / f"{slug}.md").read_bytes()


def test_hash_lines_in_fenced_code_are_not_headings():
    text = (SEED_DIR / "technical-approach-plan.md").read_text()
    found = [heading for _, heading in headings(text)]
    assert not any("REMOVE IF UNUSED" in heading for heading in found)
    assert "3. PROJECT STRUCTURE" in found and "Structure Decision" in found
    assert text.count("# [REMOVE IF UNUSED]") == 3


def test_hash_lines_in_html_comments_are_not_headings():
    text = "# Title\n<!--\nnotes\n# not a heading\n\n## nor this\n-->\n## Real\n"
    assert headings(text) == [(1, "Title"), (2, "Real")]


def test_text_before_first_heading_is_kept_as_level_zero():
    sections = split_sections("intro line\n\n# Title\nbody\n")
    assert (sections[0].level, sections[0].body) == (0, "intro line\n\n")
    assert sections[1].heading_source == "# Title\n"


def test_yaml_front_matter_is_never_a_heading():
    text = "---\ntitle: Plan\nowner: me\n---\n# Title\n"
    sections = split_sections(text)
    assert sections[0].level == 0 and sections[0].body == "---\ntitle: Plan\nowner: me\n---\n"
    assert headings(text) == [(1, "Title")]


def test_setext_headings():
    assert headings("Title\n=====\n\nSub\n---\ntext\n") == [(1, "Title"), (2, "Sub")]


def test_closing_hashes_and_trailing_spaces_are_kept_in_source_not_heading():
    sections = split_sections("## Goals ##   \ntext\n")
    assert sections[0].heading == "Goals"
    assert sections[0].heading_source == "## Goals ##   \n"


def test_all_levels_nest_in_order():
    text = "".join(f"{'#' * level} H{level}\n\nbody {level}\n" for level in range(1, 7))
    assert headings(text) == [(level, f"H{level}") for level in range(1, 7)]


def test_four_backtick_fence_wraps_three():
    text = "# A\n````md\n```\n# inside\n```\n````\n## B\n"
    assert headings(text) == [(1, "A"), (2, "B")]


def test_tilde_fence():
    assert headings("# A\n~~~\n# inside\n~~~\n## B\n") == [(1, "A"), (2, "B")]


def test_headings_in_block_quotes_and_lists_stay_in_the_body():
    assert headings("# A\n> # quoted\n- # listed\n## B\n") == [(1, "A"), (2, "B")]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no heading at all",
        "# Only a title",
        "# Title\r\n\r\nCRLF body\r\n## Next\r\n",
        "# Old Mac\rline\r## Two\r",
        "# A\n\ntrailing spaces   \n\n\n",
        "## no h1\ntext\n### deeper",
        "---\na: 1\n---\n",
        "---\nnot closed\n# Heading\n",
        "<!--\n# x\n\n\n# y\n-->",
        "\ufeff# BOM title\n",
        "# A\n\n    # indented code, not a heading\n",
        "Title\n===\nSub\n---",
        "# Ünïcødé ✓\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    ],
)
def test_round_trip_examples(text):
    assert roundtrip(text) == text


markdown_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "# H1",
                "## H2 ##",
                "###### H6",
                "Setext",
                "===",
                "---",
                "```",
                "````",
                "~~~",
                "<!--",
                "-->",
                "> # quote",
                "- [ ] task",
                "| a | b |",
                "",
                "   ",
                "#",
                "#no",
                "    # code",
                "text [placeholder] here",
                "...",
                "\t# tab",
            ]
        ),
        st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20),
    ),
    max_size=40,
)
line_endings = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=300, deadline=None)
@given(markdown_lines, line_endings, st.booleans())
def test_round_trip_any_document(lines, ending, final_newline):
    text = ending.join(lines) + (ending if final_newline else "")
    assert roundtrip(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_round_trip_arbitrary_text(text):
    assert roundtrip(text) == text


def test_join_adds_a_line_break_only_where_a_part_does_not_end_its_line():
    assert join_sources(["# A\n", "text", "## B\n"]) == "# A\ntext\n## B\n"
    assert join_sources(["# A\r\n", "text", "## B\r\n"]) == "# A\r\ntext\r\n## B\r\n"


def test_retitle_replaces_only_the_first_h1():
    assert retitle("# Old\ntext\n# Other\n", "New") == "# New\ntext\n# Other\n"
    assert retitle("no title\n", "New") == "no title\n"


@pytest.mark.parametrize(
    "heading", ["Release C #", "#", "Sharp ##  ", "C#", "Issue #42", "Already \\#", "Tabs\t#"]
)
def test_a_heading_ending_in_hashes_reads_back_with_them(heading):
    from planhub.document.rendering import render_heading
    from planhub.document.sections import atx_heading

    (section,) = split_sections(atx_heading(2, heading))
    assert section.level == 2
    assert render_heading(section.heading) == render_heading(heading.strip())
    assert render_heading(section.heading).rstrip().endswith(heading.rstrip()[-1])
