from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from planhub.plans.models import Plan
from planhub.projects.models import Role
from planhub.reviews.models import SectionDecision, SignOff
from planhub.reviews.status import review_plan

from .factories import PASSWORD, add_member, make_plan, make_project, make_user


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests run last, and tests marked `postgres` are skipped, with the reason shown,
    on any other database.

    Playwright's sync API keeps an event loop running in the main thread from its first browser
    test to the end of the session: a later test that runs a coroutine itself (asyncio.run,
    async_to_sync: the WebSocket consumers' tests, the co-editing bench) could not. The sort is
    stable: pytest-django's order (database tests, then transactional ones) stays in each part."""
    items.sort(key=lambda item: "e2e" in item.keywords)
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL; DATABASE_URL is {engine.rsplit('.', 1)[-1]}")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def owner(db):
    return make_user("olivia")


@pytest.fixture
def project(owner):
    return make_project(owner=owner, slug="apollo", name="Apollo")


@pytest.fixture
def editor(project):
    user = make_user("eddie")
    add_member(project, user, Role.EDITOR)
    return user


@pytest.fixture
def reviewer(project):
    user = make_user("rita")
    add_member(project, user, Role.REVIEWER)
    return user


@pytest.fixture
def viewer(project):
    user = make_user("victor")
    add_member(project, user, Role.VIEWER)
    return user


@pytest.fixture
def outsider(db):
    return make_user("oscar")


@pytest.fixture
def members(owner, editor, reviewer, viewer, outsider):
    """Every role, by name, plus an outsider (not a member)."""
    return {
        "owner": owner,
        "editor": editor,
        "reviewer": reviewer,
        "viewer": viewer,
        "outsider": outsider,
    }


@pytest.fixture
def plan(project, owner):
    return make_plan(project, author=owner)


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users: a deliberately slow hasher would dominate their run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches, as a freshly started server would."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


# A plan of every origin and status (the plan lists, archiving), and a small plan with a task list.
def aged(plan, days: int) -> Plan:
    """`plan` as last changed `days` ago (the list sorts by it)."""
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - timedelta(days=days))
    plan.refresh_from_db()
    return plan


@pytest.fixture
def plans(project, owner, reviewer):
    """Five plans of every origin and status, each changed on a different day."""
    draft = aged(make_plan(project, owner, text="# Bravo draft\n\n## A\n"), 1)
    in_review = make_plan(project, owner, text="# Alpha in review\n\n## A\n")
    section = in_review.sections.get(heading="A")
    SectionDecision.objects.create(
        section=section, reviewer=reviewer, decision="approved", version=1
    )
    aged(in_review, 2)
    approved = make_plan(project, owner, text="# Charlie approved\n")
    only = approved.sections.get()
    SectionDecision.objects.create(section=only, reviewer=reviewer, decision="approved", version=1)
    slot = approved.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    SignOff.record(
        slot,
        user=reviewer,
        decision="signed",
        reason="",
        seen_hash=review_plan(approved).content_hash,
    )
    aged(approved, 3)
    from_template = aged(make_plan(project, owner, slug="phase-plan"), 4)
    blank = aged(Plan.create_blank(project=project, title="Delta blank", author=owner), 5)
    return {
        "draft": draft,
        "in_review": in_review,
        "approved": approved,
        "template": from_template,
        "blank": blank,
    }


TEXT = (
    "# Plan\n\n## Scope\n\nline one\nline two\nline three\n\n"
    "## Risks\n\n- [ ] backups\n- [x] alerts\n"
)


@pytest.fixture
def doc(project, owner):
    return make_plan(project, owner, text=TEXT)


@pytest.fixture
def section(plan, editor):
    """Overview, last written by the editor (so owner and reviewer may approve it): the review
    views' tests and section_decide's."""
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    section.save_edit(author=editor, heading="Overview", body="Our approach.", base_version=1)
    return section


def _flush_past_ledger_triggers():
    """Transactional tests end with a flush, which on SQLite DELETEs every table: the ledger's
    append-only triggers would refuse it. The test harness's flush (only) drops them first and
    creates them again after; PostgreSQL's flush TRUNCATEs, which its row triggers allow."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    from planhub.ledger.sqlite_triggers import CREATE, DROP, TABLE

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if TABLE not in tables:
            return statements
        return [*DROP, *statements, *CREATE]

    DatabaseOperations.sql_flush = sql_flush


_flush_past_ledger_triggers()
