"""The access check every project URL passes, read with precompiled SQL (planhub/lib): it
still reads the session, the user and the membership from the database on every request, so a
logout, a role change or a removal takes effect on the very next request."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from planhub.projects.models import Membership, Role
from tests.factories import PASSWORD


def logged_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def edit_url(plan) -> str:
    section = plan.sections.first()
    return f"{plan.get_absolute_url()}sections/{section.pk}/edit/"


def test_members_get_in_and_outsiders_get_404_everywhere(client, plan, editor, outsider):
    client.force_login(editor)
    for url in (plan.get_absolute_url(), edit_url(plan), f"{plan.get_absolute_url()}live/"):
        assert client.get(url).status_code == 200, url
    client.force_login(outsider)
    for url in (plan.get_absolute_url(), edit_url(plan), f"{plan.get_absolute_url()}live/"):
        assert client.get(url).status_code == 404, url


def test_a_plan_or_section_of_another_project_is_404(client, plan, owner, editor):
    from tests.factories import make_plan, make_project

    other = make_plan(make_project(owner=owner, slug="other"), author=owner)
    client.force_login(editor)  # a member of apollo, not of other
    slug = plan.project.slug
    assert client.get(f"/p/{slug}/plans/{other.pk}/").status_code == 404
    section = other.sections.first()
    assert client.get(f"/p/{slug}/plans/{plan.pk}/sections/{section.pk}/edit/").status_code == 404
    assert client.get(f"/p/{slug}/plans/{other.pk}/sections/{section.pk}/edit/").status_code == 404
    assert client.get(f"/p/{slug}/plans/{2**63}/").status_code == 404


def test_a_role_change_takes_effect_on_the_next_request(client, plan, editor):
    client.force_login(editor)
    assert client.get(edit_url(plan)).status_code == 200
    Membership.objects.filter(user=editor).update(role=Role.VIEWER)
    assert client.get(edit_url(plan)).status_code == 403
    Membership.objects.filter(user=editor).update(role=Role.EDITOR)
    assert client.get(edit_url(plan)).status_code == 200


def test_a_removal_takes_effect_on_the_next_request(client, plan, editor):
    client.force_login(editor)
    assert client.get(plan.get_absolute_url()).status_code == 200
    Membership.objects.filter(user=editor).delete()
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_a_session_ended_elsewhere_is_logged_out_on_its_next_request(plan, editor):
    laptop, phone = logged_in(editor), logged_in(editor)
    assert phone.get(plan.get_absolute_url()).status_code == 200
    laptop.post("/accounts/profile/logout-everywhere/")
    assert phone.get(plan.get_absolute_url()).status_code == 302  # to the log-in page


def test_an_expired_session_is_not_read(plan, editor):
    browser = logged_in(editor)
    assert browser.get(plan.get_absolute_url()).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert browser.get(plan.get_absolute_url()).status_code == 302


def test_a_deactivated_user_is_logged_out_on_the_next_request(plan, editor):
    browser = logged_in(editor)
    assert browser.get(plan.get_absolute_url()).status_code == 200
    type(editor).objects.filter(pk=editor.pk).update(is_active=False)
    assert browser.get(plan.get_absolute_url()).status_code == 302


def test_a_password_changed_elsewhere_logs_the_other_sessions_out(plan, editor):
    browser = logged_in(editor)
    assert browser.get(plan.get_absolute_url()).status_code == 200
    editor.set_password("a new long passphrase 42")
    editor.save()
    assert browser.get(plan.get_absolute_url()).status_code == 302


def test_a_session_naming_a_user_that_is_gone_is_anonymous(plan, editor, outsider):
    browser = logged_in(editor)
    session = Session.objects.get()
    data = session.get_decoded()
    data[SESSION_KEY] = str(2**40)  # no such user
    Session.objects.filter(pk=session.pk).update(
        session_data=Session.objects.encode(data)  # the store's own encoding
    )
    assert browser.get(plan.get_absolute_url()).status_code == 302


def test_the_plan_and_membership_read_together_are_each_readers_own(plan, members):
    from planhub.plans.access import get_plan_for

    for name, user in members.items():
        expected = Membership.objects.filter(user=user, project=plan.project).first()
        if expected is None:
            with pytest.raises(Http404):
                get_plan_for(user, plan.project.slug, plan.pk)
            continue
        membership, found = get_plan_for(user, plan.project.slug, plan.pk)
        assert (membership.pk, membership.role, membership.user) == (
            expected.pk,
            expected.role,
            user,
        ), name
        assert membership.get_deferred_fields() == set(), name  # every field read, none lazily
        for field in Membership._meta.concrete_fields:
            assert getattr(membership, field.attname) == getattr(expected, field.attname), name
        assert found.pk == plan.pk and membership.project.pk == found.project.pk


def test_refusals_come_in_the_same_order_as_before(plan, viewer, project):
    from planhub.accounts.mfa import MfaRequired
    from planhub.plans.access import get_plan_for

    slug = project.slug
    with pytest.raises(PermissionDenied):  # the capability first, even for a plan not there
        get_plan_for(viewer, slug, plan.pk + 1000, need="can_manage")
    with pytest.raises(PermissionDenied):
        get_plan_for(viewer, slug, plan.pk, need="can_manage")
    with pytest.raises(Http404):
        get_plan_for(viewer, slug, plan.pk + 1000)
    with pytest.raises(Http404):
        get_plan_for(AnonymousUser(), slug, plan.pk)
    project.require_mfa = True
    project.save()
    for plan_id in (plan.pk, plan.pk + 1000):
        with pytest.raises(MfaRequired):
            get_plan_for(viewer, slug, plan_id)
