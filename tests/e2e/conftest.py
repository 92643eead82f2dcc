"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a test opens (through `open_page`, pytest-playwright's `page`, or any other page of
their browser contexts) is watched: a JavaScript console error or an uncaught page error fails
the test (at teardown); `console_errors.allow(pattern)` expects one kind in a test.
Screenshots always go to test-artifacts/screenshots/ (git-ignored), or to $SCREENSHOT_DIR.
"""

import io
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Page, expect

from planhub.lib.chromium import CHROMIUM_ARGS, CHROMIUM_PATH
from planhub.plans.models import Plan
from planhub.reviews.models import Comment, Decision, SectionDecision

from .asgi_server import asgi_servers, pytest_runtest_makereport  # noqa: F401 - fixture, hook
from .helpers import section_named

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = Path(
    os.environ.get("SCREENSHOT_DIR") or REPO_ROOT / "test-artifacts" / "screenshots"
)
PHONE = {"width": 390, "height": 844}

# Generous enough for a loaded CI machine, short enough that a broken UI fails quickly.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (`playwright install` needs the internet), plus CLI options."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@dataclass
class ConsoleErrors:
    """JavaScript console errors and uncaught exceptions seen on the test's pages."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def allow(self, pattern: str) -> None:
        """Expect one kind of error in this test (matched against "text @ url")."""
        self.allowed.append(re.compile(pattern))

    def _console(self, page: Page, message) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "") if message.location else ""
        if url.split("?")[0].endswith("/favicon.ico"):
            return
        text = f"{message.text} @ {url or page.url}"
        if not any(pattern.search(text) for pattern in self.allowed):
            self.errors.append(f"console error: {text}")


@pytest.fixture
def console_errors():
    collector = ConsoleErrors()
    yield collector
    assert collector.errors == [], "JavaScript errors in the browser"


@pytest.fixture
def new_context(new_context, console_errors):
    """Every browser context of a test, however made (open_page, pytest-playwright's `page`,
    `context.new_page()`, pop-ups), has each of its pages watched by `console_errors`."""

    def _new_context(**options):
        context = new_context(**options)
        context.on("page", console_errors.watch)
        return context

    return _new_context


def session_cookie(user, server_url: str) -> dict:
    """A logged-in session for `user`, as a browser cookie (skips the login form)."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": server_url}


@pytest.fixture
def open_page(new_context, live_server):
    """open_page(user=None, path="/", *, javascript=True, viewport=None) -> Page.

    Each call is a fresh browser context (its own cookies), logged in as `user` unless
    `user` is None, with the page already at `path` and watched for JavaScript errors.
    """

    pages: list[Page] = []

    def _open(user=None, path: str = "/", *, javascript: bool = True, viewport=None) -> Page:
        options = {"java_script_enabled": javascript}
        if viewport:
            options["viewport"] = viewport
        context = new_context(**options)
        if user is not None:
            context.add_cookies([session_cookie(user, live_server.url)])
        page = context.new_page()  # watched for errors: see new_context
        pages.append(page)
        if path is not None:
            response = page.goto(live_server.url + path)
            assert response is not None and response.ok, f"GET {path}: {response.status}"
        return page

    yield _open
    # Stop the pages' background polling before the database is emptied for the next test:
    # a request still running in the live server would hold SQLite's table locks.
    for page in pages:
        if not page.is_closed():
            page.goto("about:blank")
    time.sleep(0.3)


@pytest.fixture
def screenshot():
    """screenshot(page, name): a full-page PNG in the screenshot folder, always taken.

    The page is scrolled to the top first, so sticky and fixed parts (the outline, flash
    messages) sit where a reader first sees them.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def _shot(page: Page, name: str) -> Path:
        path = SCREENSHOT_DIR / f"{name}.png"
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    return _shot


@pytest.fixture
def demo(db):
    """The demo project (seed_demo) with some review history on the technical approach plan."""
    call_command("seed_demo", password="planhub-demo", stdout=io.StringIO())
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["alice", "bob", "carol", "dave"])
    }
    plan = Plan.objects.get(project__slug="demo", template__slug="technical-approach-plan")
    summary = section_named(plan, "Summary")
    summary.save_edit(
        author=users["bob"],
        heading="Summary",
        body="Record every change to a plan in an **audit log**, searchable by owners.\n",
        base_version=summary.version,
    )
    summary.refresh_from_db()
    SectionDecision.objects.create(
        section=summary,
        reviewer=users["carol"],
        decision=Decision.APPROVED,
        version=summary.version,
    )
    metadata = section_named(plan, "Metadata")
    SectionDecision.objects.create(
        section=metadata,
        reviewer=users["carol"],
        decision=Decision.CHANGES_REQUESTED,
        version=metadata.version,
        comment="Fill in the owner.",
    )
    Comment.objects.create(section=metadata, author=users["carol"], body="Who owns this?")
    slot = plan.signoff_slots.first()
    slot.assign(users["carol"], by=users["alice"])
    return {"plan": plan, "summary": summary, "metadata": metadata, **users}
