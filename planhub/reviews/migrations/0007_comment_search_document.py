"""On PostgreSQL, comments keep their full-text document (weight D) in a stored generated column
with a GIN index, as plans and sections do (plans migration 0012 says why and how)."""

from django.db import migrations

from planhub.lib.search_columns import add_search_document, drop_search_document

DOCUMENT = "setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'D')"


def forwards(apps, schema_editor):
    add_search_document(schema_editor, "reviews_comment", DOCUMENT)


def backwards(apps, schema_editor):
    drop_search_document(schema_editor, "reviews_comment")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_signature_record")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
