"""On PostgreSQL, plans and sections keep their full-text documents in stored generated columns
with GIN indexes (search, issue 19): a search no longer builds every title's and section's
tsvector of the reader's projects per query; the index finds the candidates.

The columns are PostgreSQL's own (GENERATED ALWAYS … STORED): every INSERT and UPDATE, by any
code path (save, update(), bulk_update, raw SQL), recomputes them in the same statement, and
adding them fills them for every existing row. They are not model fields, so no ORM query reads
them but the search's (planhub/search/query.py, which names them and relies on the same config
and weights: a plan's title A, a section's heading B and text C). SQLite gets nothing: its
search has no full text."""

from django.db import migrations

from planhub.lib.search_columns import add_search_document, drop_search_document

TABLES = {
    "plans_plan": "setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')",
    "plans_section": (
        "setweight(to_tsvector('english'::regconfig, COALESCE(heading, '')), 'B')"
        " || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')"
    ),
}


def forwards(apps, schema_editor):
    for table, document in TABLES.items():
        add_search_document(schema_editor, table, document)


def backwards(apps, schema_editor):
    for table in TABLES:
        drop_search_document(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("plans", "0011_plan_references")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
