"""Ticking a task in a section: merged onto newer versions, bad input refused."""

import pytest

from planhub.plans import restructuring
from planhub.plans.models import Section

from .conftest import HX, section, url


def test_tick_a_task_then_merge_a_stale_tick(client, doc, editor, owner):
    risks = section(doc, "Risks")
    client.force_login(editor)
    response = client.post(
        url(risks, "section_task"), {"index": 0, "done": "1", "version": 1}, **HX
    )
    assert response.status_code == 200 and response["HX-Trigger"].startswith('{"sectionSaved"')
    assert section(doc, "Risks").editable_body == "- [x] backups\n- [x] alerts"
    # Someone else ticked on version 1 too (their page was older): it merges (a different line).
    client.force_login(owner)
    response = client.post(
        url(risks, "section_task"), {"index": 1, "done": "0", "version": 1}, **HX
    )
    assert response.status_code == 200
    assert section(doc, "Risks").editable_body == "- [x] backups\n- [ ] alerts"
    # A tick on an item that was since removed is refused with the current list shown.
    section(doc, "Risks").save_edit(
        author=owner, heading="Risks", body="- [x] backups", base_version=3
    )
    response = client.post(
        url(risks, "section_task"), {"index": 1, "done": "1", "version": 3}, **HX
    )
    assert response.status_code == 409 and "nothing was ticked" in response.content.decode()


def test_tick_of_a_missing_task_is_400(client, doc, editor):
    client.force_login(editor)
    response = client.post(
        url(section(doc, "Risks"), "section_task"), {"index": 9, "done": "1", "version": 1}, **HX
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"index": "-1", "done": "1", "version": 1}, "index: "),  # ticked the last item
        ({"index": "١", "done": "1", "version": 1}, "index: "),  # int("١") is 1
        ({"index": "0", "done": "1", "version": "²"}, "version: "),  # "²".isdigit()
        ({"index": "0", "done": "1", "version": "9" * 400}, "version: "),
        ({"index": "0", "done": "maybe", "version": 1}, "done: "),
        ({"done": "1", "version": 1}, "index: missing"),
    ],
)
def test_malformed_tick_is_400_and_ticks_nothing(client, doc, editor, data, message):
    client.force_login(editor)
    response = client.post(url(section(doc, "Risks"), "section_task"), data, **HX)
    assert response.status_code == 400 and response.content.decode().startswith(message)
    assert section(doc, "Risks").version == 1


def test_task_tick_on_a_deleted_section_is_a_clear_409(client, editor, owner, scoped_doc):
    tasks = scoped_doc.sections.get(heading="Tasks")
    restructuring.delete_section(tasks, owner)
    client.force_login(editor)
    response = client.post(
        url(tasks, "section_task"), {"index": 0, "done": "1", "version": 1}, **HX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "olivia deleted “Tasks” just now. Nothing was ticked" in html
    assert Section.all_objects.get(pk=tasks.pk).version == 1


def test_tick_queries(client, doc, editor, django_assert_max_num_queries):
    client.force_login(editor)
    # +3: the ledger entry; +1: the "changed since" mark; +1: anchor; +2: the open draft (merge
    # it?) and its banner
    with django_assert_max_num_queries(25):
        response = client.post(
            url(section(doc, "Risks"), "section_task"),
            {"index": 0, "done": "1", "version": 1},
            **HX,
        )
    assert response.status_code == 200
    assert section(doc, "Risks").editable_body == "- [x] backups\n- [x] alerts"
