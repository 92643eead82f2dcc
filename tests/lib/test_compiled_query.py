"""planhub/lib/compiled_query.py: SQL compiled once, run with each call's values, instances as
the queryset would build them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import BigIntegerField, CharField, DateTimeField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planhub.lib.compiled_query import CompiledQuery, Param
from planhub.projects.models import Membership
from tests.factories import make_plan

MEMBERSHIP = CompiledQuery(
    lambda: Membership.objects.select_related("project").filter(
        project__slug=Param("slug", CharField()), user_id=Param("user_id", BigIntegerField())
    )
)


def test_each_call_finds_the_row_of_its_own_values(project, owner, editor, reviewer):
    for user in (owner, editor, reviewer):
        found = MEMBERSHIP.get(slug=project.slug, user_id=user.pk)
        expected = Membership.objects.select_related("project").get(project=project, user=user)
        assert found.pk == expected.pk and found.role == expected.role
        assert found.created_at == expected.created_at  # the database's converters applied
        assert found.user_id == user.pk


def test_the_related_rows_come_joined_and_the_instance_is_a_normal_one(project, editor):
    found = MEMBERSHIP.get(slug=project.slug, user_id=editor.pk)
    assert found._state.db == "default" and not found._state.adding
    with CaptureQueriesContext(connection) as queries:
        assert found.project.name == project.name and found.project.slug == project.slug
    assert not queries.captured_queries


def test_no_row_is_none(project, editor, outsider):
    assert MEMBERSHIP.get(slug=project.slug, user_id=outsider.pk) is None
    assert MEMBERSHIP.get(slug="no-such-project", user_id=editor.pk) is None


@pytest.mark.parametrize("user_id", [2**63, -(2**63) - 1, 10**30])
def test_an_integer_beyond_the_column_is_no_row_not_an_error(project, user_id):
    assert MEMBERSHIP.get(slug=project.slug, user_id=user_id) is None


def test_the_sql_is_compiled_once_and_every_run_is_a_logged_query(project, owner, editor):
    MEMBERSHIP.get(slug=project.slug, user_id=owner.pk)
    compiled = MEMBERSHIP._by_alias["default"]
    with CaptureQueriesContext(connection) as queries:
        MEMBERSHIP.get(slug=project.slug, user_id=editor.pk)
        MEMBERSHIP.get(slug=project.slug, user_id=owner.pk)
    assert MEMBERSHIP._by_alias["default"] is compiled
    assert len(queries.captured_queries) == 2


def test_a_datetime_parameter_is_prepared_for_the_database(db):
    now = timezone.now()
    Session.objects.create(session_key="a" * 32, session_data="x", expire_date=now + timedelta(1))
    Session.objects.create(session_key="b" * 32, session_data="x", expire_date=now - timedelta(1))
    live = CompiledQuery(
        lambda: Session.objects.filter(
            session_key=Param("key", CharField()), expire_date__gt=Param("now", DateTimeField())
        )
    )
    assert live.get(key="a" * 32, now=now).session_data == "x"
    assert live.get(key="b" * 32, now=now) is None  # expired
    assert live.get(key="a" * 32, now=now + timedelta(2)) is None


def test_nested_related_rows(project, owner):
    plan = make_plan(project, author=owner)
    section = plan.sections.first()
    query = CompiledQuery(
        lambda: (
            type(section)
            .objects.select_related("plan__created_by", "updated_by")
            .filter(pk=Param("pk", BigIntegerField()))
        )
    )
    found = query.get(pk=section.pk)
    with CaptureQueriesContext(connection) as queries:
        assert found.plan.created_by == owner and found.plan.title == plan.title
    assert not queries.captured_queries
    assert isinstance(found.plan.created_by, User)


MEMBERS = CompiledQuery(
    lambda: (
        Membership.objects.select_related("user")
        .filter(project__slug=Param("slug", CharField()))
        .order_by("user__username")
    )
)
ROLES = CompiledQuery(
    lambda: (
        Membership.objects.filter(project__slug=Param("slug", CharField()))
        .order_by("-user__username")
        .values_list("user__username", "role")
    )
)
MEMBER_VALUES = CompiledQuery(
    lambda: (
        Membership.objects.filter(project__slug=Param("slug", CharField()))
        .order_by("user__username")
        .values_list("user__username", "role", "created_at")
    )
)


def test_all_is_every_instance_in_the_querysets_order(project, owner, editor, reviewer):
    expected = list(
        Membership.objects.select_related("user").filter(project=project).order_by("user__username")
    )
    found = MEMBERS.all(slug=project.slug)
    assert [m.pk for m in found] == [m.pk for m in expected] and len(found) >= 3
    assert [m.user.username for m in found] == sorted(m.user.username for m in expected)
    assert MEMBERS.all(slug="no-such-project") == []


def test_rows_is_every_row_in_the_querysets_order(project, owner, editor, reviewer):
    expected = list(
        Membership.objects.filter(project=project)
        .order_by("-user__username")
        .values_list("user__username", "role")
    )
    assert ROLES.rows(slug=project.slug) == expected
    editor.memberships.filter(project=project).delete()  # one input changed: the rows follow
    assert ROLES.rows(slug=project.slug) == [row for row in expected if row[0] != editor.username]
    assert ROLES.rows(slug="no-such-project") == []


def test_rows_are_every_row_in_order_with_the_values_queryset(project, owner, editor, reviewer):
    expected = list(
        Membership.objects.filter(project=project)
        .order_by("user__username")
        .values_list("user__username", "role", "created_at")
    )
    assert len(expected) == 3
    assert MEMBER_VALUES.rows(slug=project.slug) == expected  # created_at: converters applied
    assert MEMBER_VALUES.rows(slug="no-such-project") == []
    with CaptureQueriesContext(connection) as queries:
        MEMBER_VALUES.rows(slug=project.slug)
    assert len(queries.captured_queries) == 1
