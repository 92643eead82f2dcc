"""Concurrent saves on one section, with real threads and connections (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from planhub.plans.models import EditConflict, Section
from tests.factories import make_plan, make_project, make_user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_one_base_version_accept_exactly_one():
    owner = make_user("olivia")
    plan = make_plan(make_project(owner=owner), author=owner)
    section_id = plan.sections.get(heading="Overview").pk
    writers = 10
    barrier = threading.Barrier(writers)
    outcomes: list[str] = []

    def save(number: int) -> None:
        try:
            section = Section.objects.select_related("plan").get(pk=section_id)
            barrier.wait()
            section.save_edit(
                author=owner, heading="Overview", body=f"text {number}", base_version=1
            )
            outcomes.append("accepted")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted"] + ["conflict"] * (writers - 1)
    section = Section.objects.get(pk=section_id)
    assert section.version == 2
    assert list(section.revisions.order_by("version").values_list("version", flat=True)) == [1, 2]
    assert section.revisions.get(version=2).body == section.body


def _saves_at_once(bodies):
    """POST every body as a save of one section from version 1, all at the same moment, each
    from its own client (and database connection). Returns (plan, section id, responses)."""
    from django.test import Client

    from planhub.projects.models import Role
    from tests.factories import add_member

    owner = make_user()
    project = make_project(owner=owner)
    plan = make_plan(project, author=owner, text="# T\n\n## S\n\n" + "\n".join(LINES) + "\n")
    section_id = plan.sections.get(heading="S").pk
    url = f"/p/{project.slug}/plans/{plan.pk}/sections/{section_id}/"
    clients = []
    for _ in bodies:
        user = make_user()
        add_member(project, user, Role.EDITOR)
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(len(bodies))
    responses = [None] * len(bodies)

    def save(number):
        try:
            barrier.wait()
            responses[number] = clients[number].post(
                url, {"heading": "S", "body": bodies[number], "version": 1},
                HTTP_HX_REQUEST="true",
            )  # fmt: skip
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return plan, section_id, responses


LINES = [f"line {n}" for n in range(40)]


def _chain(section_id):
    return list(
        Section.objects.get(pk=section_id)
        .revisions.order_by("version")
        .values_list("version", "note")
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_saves_of_different_lines_all_land_merged(capsys):
    bodies = []
    for n in range(20):
        lines = list(LINES)
        lines[2 * n] = f"line {2 * n} edited by writer {n}"
        bodies.append("\n".join(lines))
    plan, section_id, responses = _saves_at_once(bodies)
    statuses = [r.status_code for r in responses]
    assert statuses == [200] * 20
    chain = _chain(section_id)
    assert [version for version, _ in chain] == list(range(1, 22))  # no gaps, one per save
    merged = sum(note.startswith("Merged") for _, note in chain)
    final = Section.objects.get(pk=section_id).editable_body
    assert all(f"edited by writer {n}" in final for n in range(20))
    with capsys.disabled():
        print(f"\n20 saves of different lines: tried 20, accepted 20, merged {merged}, conflicts 0")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_saves_of_the_same_line_one_wins_the_rest_keep_their_text(capsys):
    bodies = ["\n".join([f"first line by writer {n}", *LINES[1:]]) for n in range(20)]
    plan, section_id, responses = _saves_at_once(bodies)
    accepted = [n for n, r in enumerate(responses) if r.status_code == 200]
    conflicts = [n for n, r in enumerate(responses) if r.status_code == 409]
    assert len(accepted) == 1 and len(conflicts) == 19
    for n in conflicts:
        html = responses[n].content.decode()
        assert f"first line by writer {n}\n" in html and 'class="alert alert-conflict"' in html
    assert [version for version, _ in _chain(section_id)] == [1, 2]
    assert Section.objects.get(pk=section_id).editable_body == bodies[accepted[0]]
    with capsys.disabled():
        print("\n20 saves of the same line: tried 20, accepted 1, merged 0, conflicts 19")
