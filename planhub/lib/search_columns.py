"""Stored full-text documents for the search (PostgreSQL only): a generated column
`search_document` and its GIN index, added by the plans and reviews migrations."""

COLUMN = "search_document"


def add_search_document(schema_editor, table: str, document_sql: str) -> None:
    """`table`.search_document, always `document_sql` of the row, indexed (GIN): the search's
    `search_document @@ query` finds its candidates through the index. Nothing on SQLite."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({document_sql}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {table}_search ON {table} USING gin ({COLUMN})")


def drop_search_document(schema_editor, table: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search")
    schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}")
