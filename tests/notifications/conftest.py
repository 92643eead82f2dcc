import pytest

from tests.factories import make_plan
from tests.mail.smtp import SmtpServer


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    server.configure(settings)
    settings.SITE_URL = "https://plans.example.com"
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def rita(reviewer):
    reviewer.email = "rita@example.com"
    reviewer.save()
    return reviewer


@pytest.fixture
def second_plan(project, owner):
    plan = make_plan(project, author=owner, text="# Billing rewrite\n\n## Scope\n\nAll of it.\n")
    return plan
