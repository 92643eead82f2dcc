"""GET /p/<slug>/plans/<id>/live/: the poll's contract and bad input (access: the URL matrix)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from planhub.plans.models import Section

from .conftest import poll_url, section_of


def past(seconds: float = 300) -> str:
    return (timezone.now() - timedelta(seconds=seconds)).isoformat()


def test_contract(client, owner, editor, doc):
    scope = section_of(doc, "Scope")
    since = timezone.now()
    scope.save_edit(author=editor, heading="Scope", body="EU only.", base_version=1)
    client.force_login(owner)
    before = timezone.now()
    response = client.get(poll_url(doc), {"since": since.isoformat(), "editing": ""})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    data = response.json()
    assert set(data) == {
        "cursor",
        "sections",
        "order",
        "plan_changed",
        "plan_changes",
        "presence",
        "section_url",
    }
    assert parse_datetime(data["cursor"]) >= before  # the server's clock, not the client's
    changed = next(s for s in data["sections"] if s["id"] == scope.pk)
    assert changed == {
        "id": scope.pk,
        "version": 2,
        "edited_by": "eddie",
        "edited_by_me": False,
        "changes": ["v2"],
        "mine": [],
    }
    assert data["order"] == list(doc.sections.values_list("pk", flat=True))
    assert data["plan_changed"] is True
    assert data["section_url"] == f"/p/apollo/plans/{doc.pk}/sections/{{id}}/"
    assert data["presence"] == []


def test_cursor_round_trip_reports_nothing_new(client, owner, doc):
    Section.objects.filter(plan=doc).update(updated_at=timezone.now() - timedelta(minutes=5))
    type(doc).objects.filter(pk=doc.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    client.force_login(owner)
    first = client.get(poll_url(doc), {"since": past(60)}).json()
    second = client.get(poll_url(doc), {"since": first["cursor"]}).json()
    assert first["sections"] == second["sections"] == []
    assert second["plan_changed"] is False


def test_cursor_from_the_future_is_clamped_to_now(client, owner, editor, doc):
    """A client (or a skewed server) sends a later time: changes in between are not skipped."""
    client.force_login(owner)
    section_of(doc, "Scope").save_edit(author=editor, heading="Scope", body="x", base_version=1)
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    data = client.get(poll_url(doc), {"since": future}).json()
    assert section_of(doc, "Scope").pk in [s["id"] for s in data["sections"]]
    assert parse_datetime(data["cursor"]) <= timezone.now()


def test_page_cursor_is_accepted(client, owner, doc):
    """The plan page's data-live-since ({% now "c" %}) is a valid first cursor."""
    client.force_login(owner)
    page = client.get(doc.get_absolute_url()).content.decode()
    since = page.split('data-live-since="', 1)[1].split('"', 1)[0]
    assert client.get(poll_url(doc), {"since": since}).status_code == 200


def test_unencoded_plus_in_cursor_is_accepted(client, owner, doc):
    client.force_login(owner)
    cursor = timezone.now().isoformat()  # ...+00:00; "+" arrives as a space when not encoded
    response = client.get(f"{poll_url(doc)}?since={cursor}")
    assert response.status_code == 200


def test_missing_cursor_means_from_now_on(client, owner, editor, doc):
    Section.objects.filter(plan=doc).update(updated_at=timezone.now() - timedelta(minutes=5))
    scope = section_of(doc, "Scope")
    scope.save_edit(author=editor, heading="Scope", body="x", base_version=1)
    client.force_login(owner)
    # Only the overlap before "now" is looked at: the save of a moment ago, nothing older.
    assert [s["id"] for s in client.get(poll_url(doc)).json()["sections"]] == [scope.pk]
    Section.objects.filter(pk=scope.pk).update(updated_at=timezone.now() - timedelta(minutes=1))
    assert client.get(poll_url(doc)).json()["sections"] == []


@pytest.mark.parametrize("since", ["yesterday", "2025-01-01T10:00:00", "1700000000"])
def test_bad_cursor_is_400(client, owner, doc, since):
    client.force_login(owner)
    response = client.get(poll_url(doc), {"since": since})
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]


@pytest.mark.parametrize(
    "since",
    [
        "0001-01-01T00:00:00+00:00",  # minus the overlap: before year 1 (was a 500)
        "0001-01-01T00:00:00+14:00",  # in UTC: year 0 (was a 500)
        "9999-12-31T23:59:59-14:00",  # in UTC: year 10000
        "2026-13-45T99:99:99+00:00",
        "²０２６-01-01T00:00:00+00:00",
        "2026-01-01T00:00:00+00:00\x00",
        "x" * 200_000,
    ],
)
def test_cursor_out_of_range_or_garbled_is_400(client, owner, doc, since):
    client.force_login(owner)
    response = client.get(poll_url(doc), {"since": since})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("since: ") and "cursor" in error and len(error) < 300


def test_poll_renders_no_section(client, owner, editor, doc, django_assert_max_num_queries):
    """The poll is cheap: JSON from a few columns, never a rendered section."""
    section_of(doc, "Scope").save_edit(
        author=editor, heading="Scope", body="Secret words", base_version=1
    )
    client.force_login(owner)
    with django_assert_max_num_queries(10):  # the bound of live/test_queries.py
        body = client.get(poll_url(doc), {"since": past()}).content.decode()
    assert "Secret words" not in body and "<" not in body
