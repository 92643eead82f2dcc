"""The Markdown export's generated blocks come from templates (templates/exports/*.md): Markdown
is not HTML, so nothing is escaped but table cells."""

import pytest

from planhub.exports.markdown import plan_markdown
from planhub.exports.templatetags.markdown_export import cell
from planhub.reviews.models import SignOff
from planhub.reviews.status import review_plan
from tests.factories import make_plan


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a | b", "a \\| b"),
        ("two\nlines", "two lines"),
        ("  padded  ", "padded"),
        ("", "—"),
        (" \n ", "—"),
        ("<b>&amp;</b>", "<b>&amp;</b>"),
    ],
)
def test_cell(text, expected):
    assert cell(text) == expected


def test_blocks_are_not_html_escaped(project, owner, reviewer):
    plan = make_plan(project, owner, text="# T\n\n## A\n\ntext\n")
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    SignOff.record(slot, user=reviewer, decision="declined", reason="Use <b> & “quotes” | pipes",
                seen_hash=review_plan(plan).content_hash)  # fmt: skip
    text = plan_markdown(plan, review_summary=True)
    assert "| Declined: Use <b> & “quotes” \\| pipes |" in text
    assert "&lt;" not in text and "&amp;" not in text and "&#x27;" not in text
