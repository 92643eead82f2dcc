"""SQLite's equivalent of the PostgreSQL Protect trigger: entries refuse UPDATE and DELETE."""

TABLE = "ledger_ledgerentry"
NAMES = ("ledger_entry_no_update", "ledger_entry_no_delete")
MESSAGE = "ledger entries are append-only"

CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS {NAMES[0]} BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS {NAMES[1]} BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in NAMES]
