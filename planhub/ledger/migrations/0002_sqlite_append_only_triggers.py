from django.db import migrations

from planhub.ledger.sqlite_triggers import CREATE, DROP


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":  # PostgreSQL: pgtrigger (0001)
        for sql in CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_ledger_entries_and_heads")]

    operations = [migrations.RunPython(create, drop)]
