"""Times on the plan page are absolute in the HTML (the page is cached for every reader) and
shown relatively by static/js/timeago.js; without JavaScript the absolute time stays."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planhub.reviews.models import SectionDecision
from tests.factories import make_plan

from .helpers import section_named, shown_section

pytestmark = pytest.mark.e2e

TEXT = "# Launch plan\n\nWhy we launch.\n\n## Scope\n\nThe EU market.\n"


@pytest.fixture
def decided(project, owner, reviewer):
    plan = make_plan(project, owner, text=TEXT)
    scope = section_named(plan, "Scope")
    decision = SectionDecision.record(
        section=scope, reviewer=reviewer, decision="approved", version=1
    )
    earlier = timezone.now() - timedelta(hours=3, minutes=5)
    SectionDecision.objects.filter(pk=decision.pk).update(created_at=earlier)
    return plan, scope, earlier


def test_a_decision_reads_3_hours_ago_with_the_absolute_time_in_its_title(
    open_page, screenshot, owner, decided
):
    plan, scope, earlier = decided
    for width, height in ((1280, 800), (375, 740)):
        page = open_page(
            owner, plan.get_absolute_url(), viewport={"width": width, "height": height}
        )
        when = shown_section(page, scope).locator(".decisions time")
        expect(when).to_have_text("3\xa0hours, 5\xa0minutes ago")
        expect(when).to_have_attribute("title", earlier.strftime("%Y-%m-%d %H:%M UTC"))
        screenshot(page, f"timestamps-{width}")


def test_without_javascript_the_absolute_time_shows(open_page, owner, decided):
    plan, scope, earlier = decided
    page = open_page(owner, plan.get_absolute_url(), javascript=False)
    when = shown_section(page, scope).locator(".decisions time")
    expect(when).to_have_text(earlier.strftime("%Y-%m-%d %H:%M UTC"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", when.get_attribute("datetime"))
