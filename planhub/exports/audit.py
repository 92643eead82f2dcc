"""A plan's audit trail: every ledger entry about the plan, as CSV or JSON, streamed (a plan's
trail may hold tens of thousands of entries). Each row holds every field its hash covers, so
that anyone can recompute the hashes (docs/ledger.md, "For auditors")."""

import csv
import json
from collections.abc import Iterator
from datetime import UTC

from planhub.ledger.chain import head_json
from planhub.ledger.models import LedgerEntry

COLUMNS = [
    "seq",
    "time",
    "who",
    "action",
    "action_code",
    "target",
    "data",
    "project_id",
    "plan_id",
    "actor_id",
    "target_type",
    "target_id",
    "prev_hash",
    "hash",
]
# A spreadsheet would run a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plan_entries(plan) -> Iterator[LedgerEntry]:
    # ledger_plan_seq; project_id too, so that a plan id is only ever read in its own project.
    entries = LedgerEntry.objects.filter(project_id=plan.project_id, plan_id=plan.pk)
    return entries.order_by("seq").iterator(chunk_size=1000)


def entry_row(entry: LedgerEntry) -> dict:
    return {
        "seq": entry.seq,
        "time": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "who": entry.actor_username,
        "action": entry.action_label,
        "action_code": entry.action,
        "target": f"{entry.target_type} #{entry.target_id}" if entry.target_type else "",
        "data": entry.data,
        "project_id": entry.project_id,
        "plan_id": entry.plan_id,
        "actor_id": entry.actor_id,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


class _Line:
    def write(self, value: str) -> str:
        return value


def _cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_lines(plan) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for entry in plan_entries(plan):
        row = entry_row(entry)
        # Only "who" is free text outside the JSON of "data" (which starts with "{").
        row["who"] = _cell(row["who"])
        yield writer.writerow([row[name] for name in COLUMNS])


def json_chunks(plan) -> Iterator[str]:
    """{"plan": ..., "project_ledger": {"head", "entries"}, "entries": [...]}, a piece at a
    time; an entry's "data" is the JSON it holds (its "data_text", the exact text hashed)."""
    header = {
        "plan": {"id": plan.pk, "title": plan.title, "project": plan.project.slug},
        "project_ledger": head_json(plan.project_id),
    }
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "entries": ['
    for index, entry in enumerate(plan_entries(plan)):
        row = entry_row(entry)
        row["data_text"] = row["data"]
        row["data"] = entry.payload
        yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"
