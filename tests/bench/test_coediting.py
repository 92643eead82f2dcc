"""bench/coediting.py's client against a real server: two editors type into one section's
draft for two seconds through planhub/asgi.py under uvicorn (a subprocess on the test
database), and not a character goes missing — in the peer, in the database, after publishing."""

import asyncio

import pytest

from bench import coediting
from planhub.coediting.drafts import open_draft
from planhub.projects.models import Role
from tests.factories import add_member, make_user

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]


def test_two_editors_lose_no_character(server, plan, editor, project):
    second = make_user("erin")
    add_member(project, second, Role.EDITOR)
    section = plan.sections.get(heading="Overview")
    drafts = {section.pk: open_draft(section).pk}
    scenario = coediting.Scenario("smoke", 1, [2], 5.0)
    cookies = [coediting.session_cookie(editor), coediting.session_cookie(second)]
    seats = coediting.seats_for(scenario, drafts, cookies, "t")

    groups, figures, _ = asyncio.run(run(seats, server))

    assert figures.connected == 2, figures.closed + figures.errors
    assert figures.settled
    assert figures.keystrokes >= 16  # 2 editors, about 10 keystrokes each
    assert figures.latency_ms["count"] >= 16  # each peer saw the other's keystrokes arrive
    assert figures.lost_peers == 0
    assert coediting.lost_in_database(groups) == 0
    lost, problems = coediting.publish_all(server, seats, groups)
    assert problems == []
    assert lost == 0
    section.refresh_from_db()
    for editor_seat in seats:
        assert editor_seat.marker in section.editable_body


async def run(seats, port):
    groups, figures, began = await coediting.drive(seats, port, 2.0, 5.0, settle_timeout=10)
    await coediting.close_all([e for group in groups.values() for e in group])
    return groups, figures, began
