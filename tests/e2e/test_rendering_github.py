"""A KEP-like plan in the browser: links to another section's definitions, footnotes that
jump to their note, front matter as a table, a right-to-left paragraph read right to left."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import make_plan

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots/render")

KEP = (
    "---\ntitle: Widget sharding across every cluster of a very large fleet of machines\n"
    'authors:\n  - "@alice"\n  - "@bob"\nstatus: implementable\n---\n'
    "# KEP-9999: Widget sharding\n\n"
    "## Summary\n\nShard widgets as [cargo manifests][RFC 3502] do; see [kubernetes.io] and "
    "www.example.com.\n\nA measured claim[^1].\n\n[^1]: Measured in 2026 on 40 nodes.\n\n"
    "## Motivation\n\nמסמך זה מתאר את השינוי המוצע ואת הסיבות לו.\n\n"
    "## References\n\n[RFC 3502]: https://rfc.example/3502\n[kubernetes.io]: https://kubernetes.io/\n"
)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_kep_reads_as_on_github(open_page, project, owner, width):
    plan = make_plan(project, author=owner, text=KEP)
    page = open_page(owner, plan.get_absolute_url(), viewport={"width": width, "height": 900})
    body = page.locator("article.plan-body")
    expect(body.get_by_role("link", name="cargo manifests")).to_have_attribute(
        "href", "https://rfc.example/3502"
    )
    expect(body.get_by_role("link", name="kubernetes.io")).to_have_attribute(
        "href", "https://kubernetes.io/"
    )
    expect(body.get_by_role("link", name="www.example.com")).to_have_attribute(
        "href", "http://www.example.com"
    )
    table = body.locator("table.front-matter")
    expect(table.locator("th")).to_have_text(["title", "authors", "status"])
    rtl = body.get_by_text("מסמך זה מתאר")
    assert rtl.evaluate("e => getComputedStyle(e).direction") == "rtl"
    english = body.get_by_text("Shard widgets as")
    assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"kep-{width}.png"), full_page=True, animations="disabled")
    body.locator("sup a").first.click()
    assert page.url.endswith("-1") and "#user-content-fn-" in page.url
    note = body.locator("div.footnotes li").first
    expect(note).to_contain_text("Measured in 2026")
    expect(note).to_be_in_viewport()
