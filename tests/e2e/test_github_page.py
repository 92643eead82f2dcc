"""A KEP-style plan reads as on GitHub: its own table of contents works, nothing makes the page
wider than the window, right-to-left text runs right to left, H5/H6 are not smaller than text."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import make_plan

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("PAGE_SHOTS", "/tmp/shots/page"))
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

LONG_URL = "https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/" + "x" * 120
LONG_PATH = "/var/lib/kubelet/pods/" + "0123456789abcdef" * 8 + "/volumes/kubernetes.io~csi/mount"
LONG_CODE = "kubectl get pods " + " ".join(
    f"--selector=app.kubernetes.io/part-{i}=x" for i in range(12)
)
WIDE_TABLE = (
    "| " + " | ".join(f"Column {i}" for i in range(12)) + " |\n"
    "|" + "---|" * 12 + "\n"
    "| " + " | ".join(f"value-{i}-with-some-length" for i in range(12)) + " |\n"
)

KEP = f"""# KEP-9999: Pod `{{METHOD}} {{path}}` routing

## Table of Contents

- [Summary](#summary)
- [Motivation](#motivation)
  - [Goals](#goals)
  - [Non-Goals](#non-goals)
- [Proposal](#proposal)
  - [Notes/Constraints/Caveats (Optional)](#notesconstraintscaveats-optional)
- [Upgrade / Downgrade Strategy](#upgrade--downgrade-strategy)
- [Production Readiness Review Questionnaire](#production-readiness-review-questionnaire)

## Summary

A long address: {LONG_URL} and a path `{LONG_PATH}` in running text,
and one without code: {LONG_PATH.replace("/", "")}.

## Motivation

### Goals

Keep the API stable.

### Non-Goals

Rewrite the scheduler.

## Proposal

{WIDE_TABLE}
```shell
{LONG_CODE}
```

### Notes/Constraints/Caveats (Optional)

Back to the [summary](#summary).

## ملخص المقترح

שלום עולם, זו פסקה בעברית שנכתבת מימין לשמאל ומסתיימת בנקודה.

## Upgrade / Downgrade Strategy

Nothing special.

## Production Readiness Review Questionnaire

##### How can this feature be enabled / disabled in a live cluster?

Through the feature gate.

###### Does enabling the feature change any default behavior?

No.
"""


@pytest.fixture
def kep(project, owner):
    return make_plan(project, owner, text=KEP)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
          const box = document.querySelector(selector).getBoundingClientRect();
          return box.top >= 0 && box.bottom <= window.innerHeight;
        }""",
        selector,
    )


@pytest.mark.parametrize(
    ("link", "slug"),
    [
        ("Summary", "summary"),
        ("Notes/Constraints/Caveats (Optional)", "notesconstraintscaveats-optional"),
        ("Upgrade / Downgrade Strategy", "upgrade--downgrade-strategy"),
        ("Production Readiness Review Questionnaire", "production-readiness-review-questionnaire"),
    ],
)
def test_the_plans_own_table_of_contents_goes_to_each_heading(open_page, viewer, kep, link, slug):
    page = open_page(viewer, kep.get_absolute_url(), viewport=DESKTOP)
    page.locator(".section-body").get_by_role("link", name=link, exact=True).click()
    anchor = f"#user-content-{slug}"
    expect(page.locator(anchor)).to_be_focused()
    assert in_view(page, anchor)
    assert page.evaluate("window.location.hash") == f"#{slug}"
    # The heading it belongs to is on screen too.
    heading = page.locator(anchor).locator("xpath=preceding-sibling::*[1]")
    expect(heading).to_be_in_viewport()


def test_a_link_to_a_heading_in_the_address_goes_there_on_load(open_page, viewer, kep):
    page = open_page(viewer, kep.get_absolute_url() + "#goals", viewport=DESKTOP)
    expect(page.locator("#user-content-goals")).to_be_focused()
    assert in_view(page, "#user-content-goals")
    # Clicking the same link again (no hashchange) still scrolls back to it.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.locator(".section-body").get_by_role("link", name="Summary", exact=True).click()
    page.locator(".section-body").get_by_role("link", name="summary", exact=True).click()
    assert in_view(page, "#user-content-summary")


def test_a_heading_can_never_take_over_an_app_id(open_page, viewer, project, owner):
    plan = make_plan(project, owner, text="# P\n\n## outline\n\n[to outline](#outline)\n")
    page = open_page(viewer, plan.get_absolute_url() + "#outline", viewport=DESKTOP)
    expect(page.locator("#user-content-outline")).not_to_be_focused()
    assert page.locator("#outline").count() == 1


def test_a_heading_links_to_itself(open_page, viewer, kep):
    page = open_page(viewer, kep.get_absolute_url(), viewport=DESKTOP)
    link = page.get_by_role("link", name="Link to this section: Goals", exact=True)
    link.focus()
    expect(link).to_be_visible()
    link.click()
    assert page.evaluate("window.location.hash") == "#goals"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_nothing_makes_the_page_wider_than_the_window(open_page, viewer, kep, viewport):
    page = open_page(viewer, kep.get_absolute_url(), viewport=viewport)
    assert overflow(page) <= 0
    # The long code line scrolls inside its own box, and so does the wide table.
    pre = page.locator(".section-body pre").first
    assert pre.evaluate("e => e.scrollWidth > e.clientWidth")
    assert pre.evaluate("e => getComputedStyle(e).overflowX") in ("auto", "scroll")
    table = page.locator(".section-body table").first
    assert table.evaluate("e => e.getBoundingClientRect().right") <= viewport["width"]
    shot(page, f"kep-{viewport['width']}")


def test_right_to_left_text_runs_right_to_left(open_page, viewer, kep):
    page = open_page(viewer, kep.get_absolute_url(), viewport=DESKTOP)
    heading = page.locator("h2.section-heading", has_text="ملخص المقترح")
    assert heading.evaluate("e => getComputedStyle(e).direction") == "rtl"
    entry = page.locator("#outline a", has_text="ملخص المقترح")
    assert entry.evaluate("e => getComputedStyle(e).direction") == "rtl"
    paragraph = page.locator(".section-body p", has_text="שלום עולם")
    # Right-aligned as a right-to-left paragraph (dir="auto" from the renderer, or the
    # stylesheet's per-paragraph direction): its text hugs the right edge.
    gap = paragraph.evaluate(
        """p => {
          const range = document.createRange();
          range.selectNodeContents(p);
          return p.getBoundingClientRect().right - range.getBoundingClientRect().right;
        }"""
    )
    assert gap < 2
    if paragraph.get_attribute("dir"):
        assert paragraph.evaluate("e => getComputedStyle(e).direction") == "rtl"


def test_h5_and_h6_are_not_smaller_than_the_text(open_page, viewer, kep):
    page = open_page(viewer, kep.get_absolute_url(), viewport=DESKTOP)
    body = page.locator(".section-body p").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    sizes = {
        level: page.locator(f"h{level}.section-heading").first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        for level in (1, 2, 3, 5, 6)
    }
    assert sizes[5] >= body and sizes[6] >= body
    assert sizes[1] > sizes[2] > sizes[3] > body


def test_the_tab_title_and_outline_are_plain_text(open_page, viewer, kep):
    page = open_page(viewer, kep.get_absolute_url(), viewport=PHONE)
    assert page.title().startswith("KEP-9999: Pod {METHOD} {path} routing")
    expect(page.locator("#outline")).not_to_contain_text("`")
    shot(page, "kep-375-top")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_printable_page_wraps_what_the_page_scrolls(open_page, viewer, kep, viewport):
    path = f"/p/{kep.project.slug}/plans/{kep.pk}/print/"
    page = open_page(viewer, path, viewport=viewport)
    assert overflow(page) <= 0
    pre = page.locator(".section-body pre").first
    assert pre.evaluate("e => e.scrollWidth <= e.clientWidth"), "code wraps on paper"
    page.emulate_media(media="print")
    text = page.locator(".section-body p").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    for level in (5, 6):
        size = page.locator(f"h{level}.section-heading").first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert size >= text
    assert overflow(page) <= 0
    shot(page, f"print-{viewport['width']}")
