import pytest
from django.db import connection

from planhub.projects.models import Role

from .factories import PASSWORD, add_member, make_plan, make_project, make_user


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` are skipped, with the reason shown, on any other database."""
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
