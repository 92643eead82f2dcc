import threading

import pytest
from django.db import DatabaseError, connection, transaction

from planhub.ledger.chain import Action, append, entry_count, head
from planhub.ledger.models import LedgerEntry
from planhub.ledger.verify import verify


def _entries(project):
    return list(LedgerEntry.objects.filter(project_id=project.pk).order_by("seq"))


def test_entries_link_into_a_chain(project, owner):
    before = entry_count(project.pk)
    first = append(project_id=project.pk, action=Action.SETTINGS, actor=owner, data={"a": 1})
    second = append(project_id=project.pk, action=Action.SETTINGS, actor=owner, data={"a": 2})
    assert (first.seq, second.seq) == (before + 1, before + 2)
    assert second.prev_hash == first.hash
    assert head(project.pk) == second.hash
    assert entry_count(project.pk) == before + 2
    stored = LedgerEntry.objects.get(pk=second.pk)
    assert stored.compute_hash() == stored.hash
    assert stored.actor_username == "olivia"
    assert stored.payload == {"a": 2}


def test_projects_have_their_own_chains(project, owner):
    from tests.factories import make_project

    other = make_project(owner=owner, slug="gemini")
    append(project_id=project.pk, action=Action.SETTINGS, actor=owner)
    entry = append(project_id=other.pk, action=Action.SETTINGS, actor=owner)
    assert entry.project_id == other.pk
    assert head(other.pk) == entry.hash != head(project.pk)


def test_a_new_project_has_an_empty_head(db):
    assert head(987654) == ""
    assert entry_count(987654) == 0


def test_entry_rolls_back_with_the_change(project, owner):
    before = entry_count(project.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        append(project_id=project.pk, action=Action.SETTINGS, actor=owner)
        raise RuntimeError
    assert entry_count(project.pk) == before
    assert LedgerEntry.objects.filter(project_id=project.pk).count() == before


def test_orm_update_and_delete_are_refused(project, owner):
    entry = append(project_id=project.pk, action=Action.SETTINGS, actor=owner)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(data='{"a":9}')
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.actor_username = "mallory"
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).actor_username == "olivia"


def test_raw_sql_update_and_delete_are_refused(project, owner):
    entry = append(project_id=project.pk, action=Action.SETTINGS, actor=owner)
    for sql in (
        "UPDATE ledger_ledgerentry SET hash = 'x' WHERE id = %s",
        "DELETE FROM ledger_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).hash == entry.hash


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_intact(owner):
    from tests.factories import make_project

    project = make_project(owner=owner, slug="race")
    other = make_project(owner=owner, slug="race-2")
    start = threading.Barrier(8)
    errors = []

    def work(project_id):
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    append(
                        project_id=project_id, action=Action.SETTINGS, actor=owner, data={"i": i}
                    )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(p.pk,)) for p in (project, other) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for p in (project, other):
        seqs = [entry.seq for entry in _entries(p)]
        assert seqs == list(range(1, len(seqs) + 1))
        assert entry_count(p.pk) == len(seqs)
        assert len([e for e in _entries(p) if e.action == Action.SETTINGS]) == 40
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_flush_the_ledger(owner):
    """Its teardown flushes every table (DELETE on SQLite) past the append-only trigger."""
    append(project_id=1, action=Action.SETTINGS, actor=owner)


def test_the_trigger_is_back_after_a_flush(project, owner):
    entry = append(project_id=project.pk, action=Action.SETTINGS, actor=owner)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_open_append_holds_up_its_project_only(owner):
    from tests.factories import make_project

    busy, free = make_project(slug="busy"), make_project(slug="free")
    appended, release, results = threading.Event(), threading.Event(), {}

    def hold():
        with transaction.atomic():
            append(project_id=busy.pk, action=Action.SETTINGS)
            appended.set()
            release.wait(10)
        connection.close()

    def other(project, name):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '500ms'")
            try:
                append(project_id=project.pk, action=Action.SETTINGS)
                results[name] = "appended"
            except DatabaseError:
                results[name] = "waited"
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert appended.wait(10)
    for project, name in ((free, "free"), (busy, "busy")):
        thread = threading.Thread(target=other, args=(project, name))
        thread.start()
        thread.join()
    release.set()
    holder.join()
    # Another project's append went through at once; one in the busy project had to wait.
    assert results == {"free": "appended", "busy": "waited"}
