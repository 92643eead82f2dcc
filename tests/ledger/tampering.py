"""Changing the ledger behind the app's back, as someone with database rights could."""

from contextlib import contextmanager

from django.db import connection

from planhub.ledger.sqlite_triggers import CREATE, DROP, TABLE


@contextmanager
def triggers_off():
    """The append-only triggers disabled (PostgreSQL) or dropped (SQLite) inside the block."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            for sql in DROP:
                cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
            else:
                for sql in CREATE:
                    cursor.execute(sql)


def raw(sql: str, params=()) -> None:
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)
