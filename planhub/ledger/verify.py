"""Check the ledger: every entry's hash, the links between entries, contiguous numbers, each
project's head, and the records the entries point to.

Entries are read in chain order in chunks (bounded memory); the records they point to are read
a chunk at a time too. The first problem found is reported, naming its entry."""

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder

from .actions import REMOVING
from .chain import sha256_text
from .models import LedgerEntry, LedgerHead

CHUNK = 2000

# Targets whose fields legitimately change after the entry (a plan's title, a member's role):
# only their existence is checked. Every other target is a record that is never edited (a
# section version, a decision, a sign-off, a frozen version), whose fields must still hold the
# values the entry recorded.
MUTABLE_TARGETS = frozenset(
    {
        "plans.plan",
        "plans.section",
        "plans.signoffslot",
        "projects.project",
        "projects.membership",
    }
)


@dataclass
class Problem:
    project_id: int
    seq: int
    action: str
    message: str

    def __str__(self) -> str:
        return f"project {self.project_id}, entry #{self.seq} ({self.action}): {self.message}"


@dataclass
class Report:
    entries: int = 0
    projects: int = 0
    seconds: float = 0.0
    problem: Problem | None = None
    heads: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(project_id: int | None = None) -> Report:
    """Check the ledger of `project_id`, or of every project."""
    started = time.perf_counter()
    report = Report()
    report.problem = _check(project_id, report)
    report.seconds = time.perf_counter() - started
    return report


def _check(project_id, report) -> Problem | None:
    entries = LedgerEntry.objects.order_by("project_id", "seq")
    heads = LedgerHead.objects.order_by("project_id")
    removing = LedgerEntry.objects.filter(action__in=REMOVING)
    if project_id is not None:
        entries = entries.filter(project_id=project_id)
        heads = heads.filter(project_id=project_id)
        removing = removing.filter(project_id=project_id)
    report.heads = {h.project_id: (h.seq, h.hash) for h in heads}
    # {(target type, id): the entry that removed it}; a small set (member removals).
    removed = {
        (kind, pk): (project, seq)
        for kind, pk, project, seq in removing.values_list(
            "target_type", "target_id", "project_id", "seq"
        )
    }
    state = {"project": None, "seq": 0, "hash": ""}
    seen = set()
    batch = []
    for entry in entries.iterator(chunk_size=CHUNK):
        batch.append(entry)
        if len(batch) == CHUNK:
            if problem := _check_batch(batch, state, seen, removed, report):
                return problem
            batch = []
    if problem := _check_batch(batch, state, seen, removed, report):
        return problem
    if state["project"] is not None and (problem := _check_head(state, report)):
        return problem
    for pid, (seq, _hash) in report.heads.items():
        if pid not in seen and seq:
            return Problem(pid, 1, "?", f"the head says {seq} entries, but the chain has none")
    report.projects = len(seen)
    return None


def _check_head(state, report) -> Problem | None:
    pid, seq, last = state["project"], state["seq"], state["hash"]
    head_seq, head_hash = report.heads.get(pid, (None, None))
    if (head_seq, head_hash) != (seq, last):
        return Problem(
            pid,
            seq,
            "head",
            f"the chain ends at #{seq}, but the project's head says #{head_seq} "
            f"{(head_hash or '')[:12]}: entries were cut off the end",
        )
    return None


def _check_batch(batch, state, seen, removed, report) -> Problem | None:
    targets = _targets(batch)
    for entry in batch:
        if entry.project_id != state["project"]:
            if state["project"] is not None and (problem := _check_head(state, report)):
                return problem
            state.update(project=entry.project_id, seq=0, hash="")
            seen.add(entry.project_id)
        if problem := _check_entry(entry, state, targets, removed):
            return problem
        state.update(seq=entry.seq, hash=entry.hash)
        report.entries += 1
    return None


def _problem(entry, message) -> Problem:
    return Problem(entry.project_id, entry.seq, entry.action, message)


def _check_entry(entry, state, targets, removed) -> Problem | None:
    if entry.seq != state["seq"] + 1:
        first, last = state["seq"] + 1, entry.seq - 1
        gone = f"entry #{first} is" if first == last else f"entries #{first}–#{last} are"
        return _problem(entry, f"{gone} missing before it (deleted)")
    if entry.compute_hash() != entry.hash:
        return _problem(entry, "its hash does not match its content: the entry was changed")
    if entry.prev_hash != state["hash"]:
        return _problem(
            entry, f"its previous hash does not match entry #{state['seq']}'s: the chain is broken"
        )
    if not entry.target_type:
        return None
    model = _model(entry.target_type)
    if model is None:
        return _problem(entry, f"it points to an unknown kind of record, {entry.target_type}")
    target = targets.get(entry.target_type, {}).get(entry.target_id)
    if target is None:
        removal = removed.get((entry.target_type, entry.target_id))
        if removal is not None and removal[0] == entry.project_id and removal[1] >= entry.seq:
            return None  # gone, and a later entry (or this one) says so
        return _problem(entry, f"its record {entry.target_type} #{entry.target_id} is gone")
    if entry.target_type in MUTABLE_TARGETS:
        return None
    for key, value in entry.payload.items():
        if (message := _mismatch(target, key, value)) is not None:
            return _problem(entry, f"{entry.target_type} #{entry.target_id}: {message}")
    return None


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _targets(batch) -> dict:
    """{target type: {id: row}} for the entries of `batch`, one query per type."""
    ids = defaultdict(set)
    for entry in batch:
        if entry.target_type and entry.target_id is not None:
            ids[entry.target_type].add(entry.target_id)
    found = {}
    for label, pks in ids.items():
        model = _model(label)
        if model is not None:
            # The base manager: rows a default manager hides (deleted sections) still exist.
            found[label] = model._base_manager.in_bulk(pks)
    return found


def _field(model, key):
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return next((f for f in model._meta.concrete_fields if f.attname == key), None)


def _mismatch(target, key, value) -> str | None:
    """Why `target` no longer holds `value` under `key` (a field, its attname, or a field with
    `_sha256`), or None when it does or the key names no field (extra context)."""
    model = type(target)
    if key.endswith("_sha256") and (base := _field(model, key.removesuffix("_sha256"))):
        actual = sha256_text(getattr(target, base.attname) or "")
        return None if actual == value else f"its {base.name} changed since (sha256 differs)"
    found = _field(model, key)
    if found is None or not getattr(found, "concrete", False) or found.many_to_many:
        return None
    if found.is_relation and not isinstance(value, int):
        return None  # recorded as a name, for people: not checkable here
    actual = getattr(target, found.attname)
    if _same(actual, value):
        return None
    return f"its {found.name} is now {_short(actual)}, the entry recorded {_short(value)}"


def _same(actual, value) -> bool:
    if isinstance(actual, datetime) and isinstance(value, str):
        try:
            recorded = datetime.fromisoformat(value)
        except ValueError:
            return False
        return abs((actual - recorded).total_seconds()) < 0.001
    return json.loads(json.dumps(actual, cls=DjangoJSONEncoder)) == value


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
