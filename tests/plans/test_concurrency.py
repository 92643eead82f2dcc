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
def test_twenty_saves_of_different_lines_all_land_merged():
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
    # Every save was written on version 1: all but the first to land merge onto a newer one.
    assert sum(note.startswith("Merged") for _, note in chain) == 19
    final = Section.objects.get(pk=section_id).editable_body
    assert all(f"edited by writer {n}" in final for n in range(20))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_saves_of_the_same_line_one_wins_the_rest_keep_their_text():
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


# --- a save racing outline changes, deletions and restores of the same section ---------------


def _run_together(*jobs):
    """Run each job in its own thread (and connection), all released at once; returns what
    each job returned or raised, in order."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def wrap(number, job):
        try:
            barrier.wait()
            outcomes[number] = job()
        except Exception as error:  # noqa: BLE001 - the test asserts on it
            outcomes[number] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


RACE_TEXT = "# Race\n\n## Scope\n\n" + "\n".join(LINES[:6]) + "\n\n## Next\n\nnext\n"
MY_TEXT = "\n".join(["line 0, mine", *LINES[1:6]])


def _race_setup():
    from planhub.projects.models import Role
    from tests.factories import add_member

    owner, editor = make_user(), make_user()
    project = make_project(owner=owner)
    add_member(project, editor, Role.EDITOR)
    plan = make_plan(project, author=owner, text=RACE_TEXT)
    return owner, editor, plan, plan.sections.get(heading="Scope").pk


def _loaded(section_id):
    return Section.all_objects.select_related("plan__project").get(pk=section_id)


def _history(section_id):
    return list(_loaded(section_id).revisions.order_by("version").values_list("version", "note"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
@pytest.mark.parametrize("deeper", [True, False], ids=["demote", "promote"])
def test_a_save_and_a_re_level_at_once_both_land_each_as_its_own_version(round_, deeper):
    from planhub.plans import restructuring

    owner, editor, plan, section_id = _race_setup()
    page = _loaded(section_id)  # both opened version 1

    def save():
        return page.save_edit(author=editor, heading="Scope", body=MY_TEXT, base_version=1)

    def re_level():
        return restructuring.change_level(_loaded(section_id), owner, deeper=deeper)

    outcomes = _run_together(save, re_level)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    section = _loaded(section_id)
    level = 3 if deeper else 1
    assert (section.version, section.level) == (3, level)
    assert section.editable_body == MY_TEXT  # the save landed
    assert section.heading_source.startswith("#" * level + " Scope")  # and so did the re-level
    notes = [note for _, note in _history(section_id)]
    assert [v for v, _ in _history(section_id)] == [1, 2, 3]
    assert f"Level {level} heading (was 2)" in notes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_a_save_and_a_deletion_at_once_never_lose_the_text(round_):
    """Through the views, as people do it: the save answers 200 (it landed, then the section
    was deleted) or 409 with the deleted notice and the text; never a 404 or a 500."""
    from django.test import Client

    from planhub.plans import restructuring

    owner, editor, plan, section_id = _race_setup()
    client = Client()
    client.force_login(editor)
    url = f"/p/{plan.project.slug}/plans/{plan.pk}/sections/{section_id}/"

    def save():
        data = {"heading": "Scope", "body": MY_TEXT, "version": 1}
        return client.post(url, data, HTTP_HX_REQUEST="true")

    def delete():
        return restructuring.delete_section(_loaded(section_id), owner)

    response, deleted = _run_together(save, delete)
    assert deleted is None, deleted
    assert response.status_code in (200, 409), response.status_code
    gone = _loaded(section_id)
    assert gone.deleted_at is not None
    if response.status_code == 200:
        assert gone.editable_body == MY_TEXT and gone.version == 2
    else:
        html = response.content.decode()
        assert "deleted this section" in html and MY_TEXT in html
        assert gone.version == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_saves_outline_changes_deletion_and_restore_at_once_never_fail(round_):
    """Two saves (different lines), a demote, a move, a deletion and a restore of one section,
    all at once: each succeeds or is refused with a reason; the versions have no gap and no
    duplicate, and every save that succeeded is in the final text (or kept for its writer)."""
    from planhub.plans import restructuring

    owner, editor, plan, section_id = _race_setup()
    page = _loaded(section_id)
    first = "\n".join(["line 0, first", *LINES[1:6]])
    last = "\n".join([*LINES[:5], "line 5, last"])

    def saver(body):
        return lambda: page.save_edit(author=editor, heading="Scope", body=body, base_version=1)

    def demote():
        return restructuring.change_level(_loaded(section_id), owner, deeper=True)

    def move():
        return restructuring.move(_loaded(section_id), owner, up=False)

    def delete():
        return restructuring.delete_section(_loaded(section_id), owner)

    def restore():
        return restructuring.restore_section(_loaded(section_id), owner)

    from planhub.plans.models import SectionDeleted
    from planhub.plans.restructuring import StructureRefused

    outcomes = _run_together(saver(first), saver(last), demote, move, delete, restore)
    expected = (EditConflict, SectionDeleted, StructureRefused)
    unexpected = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, expected)]
    assert not unexpected, unexpected
    section = _loaded(section_id)
    history = _history(section_id)
    assert [v for v, _ in history] == list(range(1, section.version + 1))
    for body, outcome in zip((first, last), outcomes[:2], strict=True):
        if not isinstance(outcome, Exception):  # it landed: its line is in the text
            assert body.splitlines()[0 if body is first else 5] in section.editable_body
    if not isinstance(outcomes[2], Exception):
        assert section.level == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_renaming_the_title_while_it_is_re_levelled_does_not_deadlock(round_):
    """A save of the plan's title writes the plan's row too: it must take the plan's row
    first, like outline changes, or the two wait for each other."""
    from planhub.plans import restructuring
    from planhub.plans.models import Plan

    owner, editor, plan, _ = _race_setup()
    title = plan.sections.get(level=1)
    page = _loaded(title.pk)

    def rename():
        return page.save_edit(author=editor, heading="Race, renamed", body="", base_version=1)

    def demote():
        return restructuring.change_level(_loaded(title.pk), owner, deeper=True)

    outcomes = _run_together(rename, demote)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    section = _loaded(title.pk)
    assert (section.version, section.level, section.heading) == (3, 2, "Race, renamed")
    # Renamed while still the title: the plan is renamed too; demoted first, it is not.
    renamed_first = _history(title.pk)[1][1] == ""
    expected = "Race, renamed" if renamed_first else "Race"
    assert Plan.objects.get(pk=plan.pk).title == expected
