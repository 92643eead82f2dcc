"""Rendering is linear in the text: no text of a section's size limit (100,000 characters) or
of a template's (2 MB) costs more than MAX_RATIO times plain prose of the same length, and four
times the text costs about four times as much (a quadratic cost would be sixteen).

The texts are bench/render_inputs.py's (`make bench` prints the same table). Times are ratios
of the best of up to three runs (five rounds of both sizes for the growth test), and a run
within the limit ends the measurement: a busy machine slows the test down rather than failing it.
"""

import time
from functools import cache

import pytest

from bench.render_inputs import (
    MAX_RATIO,
    PATHOLOGICAL_INPUTS,
    SECTION_CHARS,
    TEMPLATE_CHARS,
    plain_prose,
)
from planhub.document.rendering import render_markdown
from planhub.document.sections import split_sections
from planhub.document.task_lists import task_lines

# A linear cost grows 4x with 4x the text; a quadratic one 16x.
MAX_GROWTH = 8
# Texts that the unbounded parser rendered in quadratic time or with 40 look-ahead steps a
# character: each must also stay linear at a template's size.
TEMPLATE_INPUTS = [
    "image brackets ![![![",
    "nested images ![![..](b)](b)",
    "padded tables (256 columns)",
    "unclosed <div>s in a line",
    "javascript unclosed strings",
]


def seconds(render, text: str, good_enough: float = 0.0, runs: int = 3) -> float:
    """The best of up to `runs` timings of render(text); stops at one within `good_enough`."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        render(text)
        best = min(best, time.perf_counter() - start)
        if best <= good_enough:
            break
    return best


@cache
def prose_seconds(n: int) -> float:
    return seconds(render_markdown, plain_prose(n), runs=5)


@pytest.mark.parametrize("name", PATHOLOGICAL_INPUTS)
def test_a_section_renders_within_a_multiple_of_prose(name):
    limit = MAX_RATIO * prose_seconds(SECTION_CHARS)
    text = PATHOLOGICAL_INPUTS[name](SECTION_CHARS)
    assert len(text) == SECTION_CHARS
    took = seconds(render_markdown, text, good_enough=limit)
    assert took <= limit, f"{name}: {took / prose_seconds(SECTION_CHARS):.0f}x prose"


@pytest.mark.parametrize("name", PATHOLOGICAL_INPUTS)
def test_four_times_the_text_costs_about_four_times_as_much(name):
    short_text = PATHOLOGICAL_INPUTS[name](SECTION_CHARS // 4)
    long_text = PATHOLOGICAL_INPUTS[name](SECTION_CHARS)
    quarter, took = seconds(render_markdown, short_text), float("inf")
    # Both sizes are timed in each round, side by side, so a burst of load on the machine slows
    # both rather than only the long text; the best of each is compared.
    for _ in range(5):
        quarter = min(quarter, seconds(render_markdown, short_text, runs=1))
        took = min(took, seconds(render_markdown, long_text, runs=1))
        # 5 ms: timer and machine noise on texts that render in a few milliseconds.
        if took <= MAX_GROWTH * quarter + 0.005:
            break
    assert took <= MAX_GROWTH * quarter + 0.005, f"{name}: {took / quarter:.1f}x for 4x the text"


@pytest.mark.parametrize("name", TEMPLATE_INPUTS)
def test_a_template_of_the_size_limit_renders_within_a_multiple_of_prose(name):
    limit = MAX_RATIO * prose_seconds(TEMPLATE_CHARS)
    took = seconds(render_markdown, PATHOLOGICAL_INPUTS[name](TEMPLATE_CHARS), good_enough=limit)
    assert took <= limit, f"{name}: {took / prose_seconds(TEMPLATE_CHARS):.0f}x prose"


@pytest.mark.parametrize("name", TEMPLATE_INPUTS)
def test_splitting_an_uploaded_template_costs_no_more_than_rendering_prose(name):
    """Uploading or importing a document splits it at its headings and finds its task items
    before anything is rendered: neither may parse links (nested `![` took 1.8 s per 100 KB)."""
    text = PATHOLOGICAL_INPUTS[name](TEMPLATE_CHARS)
    limit = MAX_RATIO * prose_seconds(TEMPLATE_CHARS)
    took = seconds(lambda t: (split_sections(t), task_lines(t)), text, good_enough=limit)
    assert took <= limit, f"{name}: {took / prose_seconds(TEMPLATE_CHARS):.0f}x prose"
