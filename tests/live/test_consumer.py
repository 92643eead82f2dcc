"""The plan page's push channel (planhub/live/consumers.py) through planhub.asgi: who may
listen, and that each kind of change on the plan reaches it once committed."""

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers, get_channel_layer
from django.test import Client

from planhub.lib.broadcast import member_group, plan_group
from planhub.plans.restructuring import add_section_after
from planhub.projects.models import Membership
from planhub.reviews.models import Comment, SectionDecision
from tests.websockets import WebsocketCommunicator

from .conftest import section_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


def listener(user, plan, origin=b"http://localhost") -> WebsocketCommunicator:
    from planhub.asgi import application

    headers = [(b"origin", origin)]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, f"/ws/plans/{plan.pk}/live/", headers)


async def connected(ws, user, plan) -> bool:
    """Connects, then waits until the consumer has joined its groups: it accepts first (so
    that a refusal's close code reaches the browser) and joins after its access check, so a
    change made at once after the handshake could come before it listens."""
    accepted = (await ws.connect())[0]
    layer = get_channel_layer()
    groups = (plan_group(plan.pk), member_group(plan.project_id, user.pk))
    for _ in range(1000):
        if all(layer.groups.get(group) for group in groups):
            break
        await asyncio.sleep(0.01)
    return accepted


def run(scenario):
    return async_to_sync(scenario)()


async def close_code(ws) -> int:
    while True:
        output = await ws.receive_output(10)
        if output["type"] == "websocket.close":
            return output["code"]


async def changed(ws) -> dict:
    return json.loads(await ws.receive_from(10))


@pytest.mark.parametrize("role", ["owner", "editor", "reviewer", "viewer"])
def test_every_member_hears_a_published_section(doc, members, role, editor):
    ws = listener(members[role], doc)
    section = section_of(doc, "Scope")

    async def scenario():
        assert await connected(ws, members[role], doc)
        await database_sync_to_async(section.save_edit)(
            heading="Scope", body="Everything.", base_version=section.version, author=editor
        )
        message = await changed(ws)
        await ws.disconnect()
        return message

    assert run(scenario) == {"type": "changed", "section": section.pk, "kind": "published"}


@pytest.mark.parametrize("who", ["anonymous", "outsider", "missing"])
def test_others_are_closed(doc, outsider, editor, who):
    user = {"anonymous": None, "outsider": outsider, "missing": editor}[who]
    plan = type(doc)(pk=doc.pk + 1000) if who == "missing" else doc
    ws = listener(user, plan)

    async def scenario():
        assert (await ws.connect())[0]
        return await close_code(ws)

    assert run(scenario) == (4401 if who == "anonymous" else 4404)


def test_a_foreign_origin_is_refused(doc, editor):
    ws = listener(editor, doc, origin=b"https://evil.example")

    async def scenario():
        return await ws.connect()

    assert run(scenario)[0] is False


def test_a_removed_member_is_closed(doc, viewer, owner):
    ws = listener(viewer, doc)

    async def scenario():
        assert await connected(ws, viewer, doc)
        membership = await database_sync_to_async(Membership.objects.get)(user=viewer)
        await database_sync_to_async(membership.remove)(by=owner)
        return await close_code(ws)

    assert run(scenario) == 4403


def test_reviews_comments_and_outline_changes_are_heard(doc, owner, reviewer, viewer):
    ws = listener(viewer, doc)
    section = section_of(doc, "Risks")

    def review():
        SectionDecision.record(
            section=section,
            reviewer=reviewer,
            decision="changes_requested",
            version=section.version,
        )

    def comment():
        Comment.write(section=section, author=reviewer, body="Which risks?")

    def outline():
        add_section_after(section, owner)

    async def scenario():
        assert await connected(ws, viewer, doc)
        heard = []
        for change in (review, comment, outline):
            await database_sync_to_async(change)()
            heard.append(await changed(ws))
        await ws.disconnect()
        return heard

    assert run(scenario) == [
        {"type": "changed", "section": section.pk, "kind": "review"},
        {"type": "changed", "section": section.pk, "kind": "comment"},
        {"type": "changed", "section": None, "kind": "structure"},
    ]


def test_the_page_may_not_talk(doc, viewer):
    ws = listener(viewer, doc)

    async def scenario():
        assert (await ws.connect())[0]
        await ws.send_to(text_data="x" * 10)
        return await close_code(ws)

    assert run(scenario) == 4400
