"""Placeholders by syntax, found in the text a reader sees (planhub/document/placeholders.py)."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.document.placeholders import (
    ANGLE,
    CURLY,
    DEFAULT_SYNTAXES,
    NEEDS_CLARIFICATION_SYNTAX,
    SQUARE,
    SYNTAXES,
    count_placeholders,
    find_placeholders,
    placeholder_names,
    propose_syntaxes,
    section_placeholder_count,
)
from planhub.document.sections import split_sections

CURLY_ONLY = frozenset({CURLY, NEEDS_CLARIFICATION_SYNTAX})

# A decision-record template in the MADR style, written for these tests.
DECISION_RECORD = """\
# {short title of the problem and the chosen solution}

## Context and problem statement

{Describe the context in two or three sentences.} The question: {question}?

## Decision drivers

* {driver 1, e.g., a force or a concern}
* {driver 2}

## Considered options

* {title of option 1}
* {title of option 2}

## Decision outcome

Chosen option: "{title of option 1}", because {justification}.

```json
{"not": "a placeholder", "x": {y}}
```

Inline code `{also_not}` and a template tag {{ jinja }} and ${SHELL_VAR} stay code.
"""


def test_a_curly_template_counts_every_curly_placeholder():
    names = find_placeholders(DECISION_RECORD, CURLY_ONLY)
    assert names == [
        "short title of the problem and the chosen solution",
        "Describe the context in two or three sentences.",
        "question",
        "driver 1, e.g., a force or a concern",
        "driver 2",
        "title of option 1",
        "title of option 2",
        "title of option 1",
        "justification",
    ]
    assert count_placeholders(DECISION_RECORD, CURLY_ONLY) == 9


def test_with_the_default_syntaxes_a_curly_template_has_none():
    assert count_placeholders(DECISION_RECORD) == 0


def test_the_curly_template_is_proposed_curly():
    assert propose_syntaxes(DECISION_RECORD) == [NEEDS_CLARIFICATION_SYNTAX, CURLY]


NEVER = """\
See the [runbook][ops] and [ops], or [the guide](https://example.com) and <https://x.org>.

[ops]: https://example.com/ops

A footnote[^1] here.

[^1]: The note.

[x] Reviewed the design.

- [ ] open task
- [x] done task

<!-- [Hidden guidance] and NEEDS CLARIFICATION in a comment -->

<div class="note">[Inside HTML]</div>

Text with an inline <span title="[attr]">span</span> and `[code span]`.

```mermaid
graph TD
    A[Invoice] --> B[Payment]
```

    [indented code]

![Alt [image] text](diagram.png) and items[0] and A[Node] and \\[escaped\\].
"""


def test_links_footnotes_tasks_comments_code_and_mermaid_never_count():
    assert find_placeholders(NEVER) == []
    assert count_placeholders(NEVER, frozenset(SYNTAXES)) == 0


def test_a_shortcut_label_defined_elsewhere_in_the_plan_is_a_link():
    text = "Read [Glossary] before [Owner].\n"
    assert find_placeholders(text) == ["Glossary", "Owner"]
    assert find_placeholders(text, references={"glossary": "https://x"}) == ["Owner"]
    assert find_placeholders(text, references=["GLOSSARY"]) == ["Owner"]


def test_square_placeholders_as_written():
    text = "# Phase [X] - [Phase Name]\n\n**[Component 1]:** does [what] in [X]% of cases.\n"
    assert find_placeholders(text) == ["X", "Phase Name", "Component 1", "what", "X"]
    assert placeholder_names(text) == ["[X]", "[Phase Name]", "[Component 1]", "[what]"]


def test_a_placeholder_definition_pair_counts_both_halves():
    # CommonMark reads “[Metric]: [Target]” as a link definition; both are blanks to fill.
    assert find_placeholders("- [Metric 1]: [Target]\n") == ["Metric 1", "Target"]


def test_needs_clarification_outside_and_inside_brackets():
    text = "Scale: NEEDS CLARIFICATION. Auth: [NEEDS CLARIFICATION: which provider].\n"
    assert count_placeholders(text) == 2
    assert placeholder_names(text) == [
        "[NEEDS CLARIFICATION: which provider]",
        "NEEDS CLARIFICATION",
    ]
    assert count_placeholders(text, frozenset({SQUARE})) == 1
    assert count_placeholders(text, frozenset({NEEDS_CLARIFICATION_SYNTAX})) == 2
    assert count_placeholders("`NEEDS CLARIFICATION`\n") == 0


def test_angle_placeholders_are_unknown_tags_and_text_not_html():
    text = (
        "Owner: <service owner>. Size: <1-2 sentences>. A <b>bold</b> word, a line<br>break,\n"
        "a <https://example.com> link, and a < b > c.\n\n<team name>\n"
    )
    assert find_placeholders(text, frozenset({ANGLE})) == [
        "service owner",
        "1-2 sentences",
        "team name",
    ]
    assert find_placeholders(text) == []


def test_sign_off_lines_are_not_counted():
    source = "## Approvals\n\n- **Security Review**: [Name/Role] — [Date]\n- [Other]\n"
    assert section_placeholder_count("Approvals", source) == 1


SEED_DIR = Path(__file__).resolve().parents[2] / "planhub" / "plans" / "seed_templates"
# Counts of the built-in templates with the default syntaxes (see docs/placeholders.md for
# the few that changed from the old regex: code blocks and code spans no longer count,
# “[Component 1]:” and “- [Metric 1]: [Target]” do).
SEED_COUNTS = {
    "feature-plan": 164,
    "implementation-plan": 54,
    "phase-plan": 55,
    "technical-approach-plan": 129,
}


def test_the_built_in_templates_counts():
    for slug, expected in SEED_COUNTS.items():
        text = (SEED_DIR / f"{slug}.md").read_text(encoding="utf-8")
        total = sum(
            section_placeholder_count(s.heading, s.heading_source + s.body)
            for s in split_sections(text)
        )
        assert total == expected, slug
        assert propose_syntaxes(text) == [SQUARE, NEEDS_CLARIFICATION_SYNTAX], slug


syntax_sets = st.sets(st.sampled_from(SYNTAXES)).map(frozenset)
markdownish = st.lists(
    st.sampled_from(list("[]{}<>()!`*_-#:^x \n\tab1|\\/=\"'~") + ["NEEDS CLARIFICATION", "<!--"]),
    max_size=120,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(markdownish, st.text(max_size=200)), syntaxes=syntax_sets)
def test_counting_never_raises(text, syntaxes):
    count = count_placeholders(text, syntaxes)
    assert count >= 0
    assert len(placeholder_names(text, syntaxes)) <= count


@settings(max_examples=300, deadline=None)
@given(body=markdownish, syntaxes=syntax_sets)
def test_text_inside_a_fenced_code_block_never_counts(body, syntaxes):
    fence = "`" * (max((len(run) for run in body.split("\n") if set(run) == {"`"}), default=0) + 3)
    # A fence longer than any backtick line inside, and no line of it can close the block.
    lines = [line for line in body.split("\n") if not line.strip().startswith("`")]
    text = f"{fence}\n" + "\n".join(lines) + f"\n{fence}\n"
    assert count_placeholders(text, syntaxes) == 0


def test_default_syntaxes():
    assert {SQUARE, NEEDS_CLARIFICATION_SYNTAX} == DEFAULT_SYNTAXES
