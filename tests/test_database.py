"""The database as several people use it at once."""

import threading

import pytest
from django.db import connection, transaction

from planhub.accounts.models import LoginFailure


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_reads_then_writes_waits_for_another_writer():
    """On SQLite, a transaction that has read and then wants to write while another connection
    is committing a write used to fail at once with "database is locked" (a 500 on approve
    beside a live poll). Each transaction now takes the write lock when it begins and waits."""
    a_has_read, b_has_written = threading.Event(), threading.Event()
    errors = []

    def reads_then_writes():
        try:
            with transaction.atomic():
                LoginFailure.objects.count()
                a_has_read.set()
                b_has_written.wait(timeout=1)  # with the lock taken at BEGIN, B waits for us
                LoginFailure.objects.create(username="a")
        except Exception as error:  # noqa: BLE001 - recorded for the assertion
            errors.append(error)
        finally:
            connection.close()

    def writes():
        try:
            a_has_read.wait(timeout=5)
            with transaction.atomic():
                LoginFailure.objects.create(username="b")
                b_has_written.set()
        except Exception as error:  # noqa: BLE001 - recorded for the assertion
            errors.append(error)
        finally:
            b_has_written.set()
            connection.close()

    threads = [threading.Thread(target=reads_then_writes), threading.Thread(target=writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(LoginFailure.objects.values_list("username", flat=True)) == ["a", "b"]
