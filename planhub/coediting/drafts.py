"""The shared draft of a section: opened, stored update by update, published as the section's
next version, discarded (its text kept), caught up with changes saved without it, compacted.

Every write that reads the draft's text locks the Draft row first (select_for_update), so that
two of them never both apply a change computed from the same state; store_update's UPDATE of
that row waits for them too."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, F, IntegerField, OuterRef, Subquery, Value
from django.utils import timezone
from pycrdt import Doc, Text, merge_updates

from planhub.document.merging import unresolved_hunks
from planhub.lib.broadcast import draft_group, plan_group, send_after_commit
from planhub.lib.compiled_query import CompiledQuery, Param
from planhub.plans.forms import HEADING_MAX_CHARS
from planhub.plans.models import SaveResult, Section, SectionRevision, editable_text

from .merging import merge_into_doc
from .models import DiscardedDraft, Draft, DraftUpdate
from .text_sync import apply_text

# More stored updates than this and the draft is compacted (after a publish, or when the caller
# of store_update asks compact_if_due).
COMPACT_AFTER = 200
# A merge (a save made without the draft) compacts sooner: each of its updates carries the
# changed text and more (kilobytes, where typing's are bytes), and every edit form reads and
# applies them all (143 of them cost an edit form 20 of its 30 ms in the bench).
COMPACT_AFTER_MERGES = 20


# A Yjs update with no insertion and no deletion.
NO_CHANGE = b"\x00\x00"

# The Yjs client id of every change the server makes to a draft (its initial text, a save made
# without it merged in, a publish's merge). A fresh random id per change added a client to the
# document for every save: its state vector and delete set, which every update carries, grew
# with each (a 367-character draft was 34 kB, each merged one-line change 7 kB). One id is
# sound because the server only ever changes a draft holding its row lock (_locked), on the
# document it has just read whole (_read_doc locked=True): its changes form one sequence, each
# continuing the clock of the last. Browsers draw random 32-bit ids, as they do against each
# other.
SERVER_CLIENT_ID = 0x504C4E48


class DraftGone(Exception):
    """The draft no longer exists (discarded, or its section deleted)."""


class PublishRefused(Exception):
    """The draft's text cannot become the section's (the message says why); nothing saved."""


class UnresolvedConflicts(PublishRefused):
    """The draft still holds conflict markers from a merge: publishing them would make them
    the section's text."""

    def __init__(self, count: int):
        super().__init__(
            f"The draft still has {count} conflict{'s' if count != 1 else ''} marked "
            "(<<<<<<< … >>>>>>>): choose the text you want in each, then save."
        )
        self.count = count


def username(user) -> str:
    return user.username if user is not None else "someone"


# The section whose draft is being published in this context: its own section_published
# signal is not a change "without the draft" (signals.py).
_publishing: ContextVar[int | None] = ContextVar("publishing_draft_of", default=None)


def publishing(section_id: int) -> bool:
    return _publishing.get() == section_id


@contextmanager
def _while_publishing(section_id: int):
    token = _publishing.set(section_id)
    try:
        yield
    finally:
        _publishing.reset(token)


def new_doc(heading: str, body: str) -> Doc:
    doc = Doc(client_id=SERVER_CLIENT_ID)
    doc.get("heading", type=Text).insert(0, heading)
    doc.get("body", type=Text).insert(0, body)
    return doc


def doc_text(doc: Doc) -> tuple[str, str]:
    """(heading, body) of a draft's document."""
    return str(doc.get("heading", type=Text)), str(doc.get("body", type=Text))


def load_doc(draft: Draft) -> Doc:
    """The draft's document: its snapshot with every stored update applied, both read from the
    database (a Draft object's snapshot may predate a compaction). The updates are read first: a
    compaction in between then only means some of them twice, which Yjs ignores."""
    return _read_doc(draft, locked=False)[0]


def _read_doc(draft: Draft, *, locked: bool) -> tuple[Doc, int]:
    """load_doc, and how many stored updates it applied. `locked`: `draft` was read with its
    row locked in this transaction (_locked), so its snapshot is the current one (a compaction
    takes the same lock): no second read of it. Otherwise the snapshot and the updates are
    read in one statement, which sees a compaction either whole or not at all."""
    updates = DraftUpdate.objects.filter(draft_id=draft.pk).values_list("pk", "data")
    if locked:
        snapshot, later = draft.snapshot, [data for (data,) in UPDATES.rows(draft_id=draft.pk)]
    else:
        # The snapshot as row 0, before every update (their ids start at 1).
        head = Draft.objects.filter(pk=draft.pk).values_list(Value(0), "snapshot").order_by()
        rows = list(updates.order_by().union(head, all=True).order_by("pk"))
        snapshot = next((data for pk, data in rows if pk == 0), None)
        later = [data for pk, data in rows if pk != 0]
    return _doc_of(snapshot, later, locked=locked), len(later)


def _doc_of(snapshot, updates, *, locked: bool = False) -> Doc:
    """The document of a snapshot with `updates` applied (each bytes or a memoryview)."""
    parts = [bytes(snapshot)] if snapshot else []
    parts += [bytes(data) for data in updates]
    # Locked: the server may change it (SERVER_CLIENT_ID); else a reader's own random id.
    doc = Doc(client_id=SERVER_CLIENT_ID) if locked else Doc()
    if parts:
        doc.apply_update(parts[0] if len(parts) == 1 else merge_updates(*parts))
    return doc


def draft_text(draft: Draft) -> tuple[str, str]:
    return doc_text(load_doc(draft))


# The edit form's read: a section's draft row (first, as id 0) and its stored updates, in one
# statement (one snapshot of the database: a compaction is seen whole or not at all), its SQL
# compiled once per process. Rows: (0 or the update's id, the draft's id, base version, data).
DRAFT_WITH_UPDATES = CompiledQuery(
    lambda: (
        DraftUpdate.objects.filter(draft__section_id=Param("section_id", BigIntegerField()))
        .values_list("pk", "draft_id", Value(0, IntegerField()), "data")
        .order_by()
        .union(
            Draft.objects.filter(section_id=Param("section_id", BigIntegerField()))
            .values_list(Value(0, BigIntegerField()), "pk", "base_version", "snapshot")
            .order_by(),
            all=True,
        )
        .order_by("pk")
    )
)


def open_draft_text(section: Section) -> tuple[Draft, str, str]:
    """(draft, heading, body): open_draft and draft_text, in one query when the section's
    draft exists and is on its version (the common case: every edit form opened after the
    first); otherwise as open_draft and draft_text do it."""
    rows = DRAFT_WITH_UPDATES.rows(section_id=section.pk)
    head = rows[0] if rows and rows[0][0] == 0 else None
    if head is None or head[2] < section.version:
        draft = open_draft(section)
        return (draft, *draft_text(draft))
    _, draft_id, base_version, snapshot = head
    fields = ["id", "section_id", "base_version"]
    draft = Draft.from_db(section._state.db, fields, [draft_id, section.pk, base_version])
    draft.section = section
    return (draft, *doc_text(_doc_of(snapshot, [data for *_, data in rows[1:]])))


def open_draft(section: Section) -> Draft:
    """The section's draft, created from its current text when there is none. Two requests
    opening it at once get the same draft: the OneToOne is unique, the loser reads the winner's
    (whose initial text is the only one ever stored)."""
    draft = Draft.objects.filter(section=section).first()
    if draft is None:
        doc = new_doc(section.heading, section.editable_body)
        try:
            with transaction.atomic():
                return Draft.objects.create(
                    section=section, base_version=section.version, snapshot=doc.get_update()
                )
        except IntegrityError:
            draft = Draft.objects.get(section=section)
    if draft.base_version < section.version:
        # A save whose merge did not happen (a crash between commit and merge): catch up.
        merge_section_change(draft.pk)
        draft.refresh_from_db()
    return draft


def store_update(draft_id: int, data: bytes, author_id: int | None) -> int:
    """Store one Yjs update of the draft (before anyone is told it is stored); `author_id`
    becomes one of the next version's authors. Three statements: it runs for every batch of
    keystrokes. DraftGone when the draft was discarded."""
    with transaction.atomic():
        if author_id is None:
            touched = Draft.objects.filter(pk=draft_id).update(base_version=F("base_version"))
        else:
            touched = Draft.objects.filter(pk=draft_id).update(
                edited_at=timezone.now(), edited_by_id=author_id
            )
        if not touched:
            raise DraftGone(draft_id)
        update = DraftUpdate.objects.create(draft_id=draft_id, data=data, author_id=author_id)
        if author_id is not None:
            Draft.authors.through.objects.bulk_create(
                [Draft.authors.through(draft_id=draft_id, user_id=author_id)],
                ignore_conflicts=True,
            )
    return update.pk


# The queries of a merge (after every save made without an open draft) and of a publish:
# fixed shapes, compiled once per process.
LOCKED_DRAFT = CompiledQuery(
    lambda: Draft.objects.select_for_update().filter(pk=Param("draft_id", BigIntegerField()))
)
UPDATES = CompiledQuery(
    lambda: (
        DraftUpdate.objects.filter(draft_id=Param("draft_id", BigIntegerField()))
        .order_by("pk")
        .values_list("data")
    )
)


def _section_and_base():
    """The section (with who saved it) and, annotated, its revision at version `base` (the
    draft's base version): heading and body, or None when that version is gone."""
    base = SectionRevision.objects.filter(
        section_id=OuterRef("pk"), version=Param("base", IntegerField())
    )
    return (
        Section.all_objects.select_related("updated_by")
        .filter(pk=Param("section_id", BigIntegerField()))
        .annotate(
            base_id=Subquery(base.values("pk")),
            base_heading=Subquery(base.values("heading")),
            base_body=Subquery(base.values("body")),
        )
    )


SECTION_AND_BASE = CompiledQuery(_section_and_base)


def _locked(draft_id: int) -> Draft:
    draft = LOCKED_DRAFT.get(draft_id=draft_id)
    if draft is None:
        raise DraftGone(draft_id)
    return draft


def _store_change(draft: Draft, doc: Doc, before: bytes) -> bytes | None:
    """Store what changed in `doc` since state `before` (nobody's typing) and send it to the
    editors; the update, or None when nothing changed."""
    update = doc.get_update(before)
    # Not the state vector: a change that only deletes leaves it as it was.
    if update == NO_CHANGE:
        return None
    # Both callers hold the draft's row lock (_locked), which is all store_update's first
    # statement is for (nobody's typing: no author to record): one INSERT.
    DraftUpdate.objects.create(draft_id=draft.pk, data=update, author_id=None)
    send_after_commit(
        draft_group(draft.pk), {"type": "draft.update", "update": update, "sender": ""}
    )
    return update


@dataclass
class Merge:
    version: int
    conflicts: int


def merge_section_change(draft_id: int) -> Merge | None:
    """Merge the section's versions the draft is not based on into the draft (three-way: the
    draft's base version, the section's text, the draft's text); what clashes stays in the text
    between conflict markers. None when the draft is already on the section's version."""
    with transaction.atomic():
        try:
            draft = _locked(draft_id)
        except DraftGone:
            return None
        # The section and its text at the draft's base version, in one query.
        section = SECTION_AND_BASE.get(section_id=draft.section_id, base=draft.base_version)
        if section is None or section.version <= draft.base_version:
            return None
        doc, stored = _read_doc(draft, locked=True)
        before = doc.get_state()
        who = username(section.updated_by)
        conflicts = merge_into_doc(
            doc,
            (section.base_heading, editable_text(section.base_body)) if section.base_id else None,
            (section.heading, section.editable_body),
            f"{who}'s version {section.version}",
        )
        _store_change(draft, doc, before)
        Draft.objects.filter(pk=draft.pk).update(base_version=section.version)
        if stored >= COMPACT_AFTER_MERGES:
            # Saves without the draft add an update each and nothing else compacts them: the
            # next merge, and every edit form, would read a history that only grows.
            compact(draft.pk)
        event = {"type": "merged", "version": section.version, "by": who, "conflicts": conflicts}
        send_after_commit(draft_group(draft.pk), {"type": "draft.event", "event": event})
    return Merge(section.version, conflicts)


def publish(draft: Draft, by) -> SaveResult:
    """The draft's text becomes the section's next version, written by `by` and everyone who
    typed in the draft since the last one. The draft stays open on the new version. Nothing is
    saved when its text is the section's. Raises DraftGone, PublishRefused (UnresolvedConflicts
    among them), and what Section.save_edit raises (EditConflict, SectionDeleted)."""
    merge_section_change(draft.pk)  # first: a save made without the draft meanwhile
    with transaction.atomic():
        draft = _locked(draft.pk)
        doc, _ = _read_doc(draft, locked=True)
        heading, body = doc_text(doc)
        if hunks := unresolved_hunks(body):
            raise UnresolvedConflicts(hunks)
        section = Section.all_objects.select_related("plan__project").get(pk=draft.section_id)
        if section.level:
            check_heading(heading)
        if len(body) > settings.SECTION_BODY_MAX_CHARS:
            raise PublishRefused(
                f"The draft is {len(body):,} characters long; the limit is "
                f"{settings.SECTION_BODY_MAX_CHARS:,}. Shorten it, or move part of it to another "
                "section, then save."
            )
        coauthors = list(draft.authors.all())
        with _while_publishing(section.pk):
            result = section.save_edit(
                author=by,
                heading=heading,
                body=body,
                base_version=draft.base_version,
                coauthors=coauthors,
            )
        if result.merged_with:
            # Merged with a save that came in between (its merge into the draft waits for this
            # lock, then finds the draft on the new version): the draft takes the merge.
            before = doc.get_state()
            with doc.transaction():
                apply_text(doc.get("heading", type=Text), section.heading)
                apply_text(doc.get("body", type=Text), section.editable_body)
            _store_change(draft, doc, before)
        Draft.objects.filter(pk=draft.pk).update(base_version=section.version)
        draft.authors.clear()
        if result.changed:
            event = {"type": "published", "version": section.version, "by": username(by)}
            send_after_commit(draft_group(draft.pk), {"type": "draft.event", "event": event})
    compact_if_due(draft.pk)
    return result


def check_heading(heading: str) -> None:
    """PublishRefused unless `heading` is what the editor's heading field accepts."""
    if not heading.strip():
        raise PublishRefused("A heading cannot be empty: give the section a heading, then save.")
    if "\n" in heading or "\r" in heading:
        raise PublishRefused("The heading is more than one line: join it into one, then save.")
    if len(heading) > HEADING_MAX_CHARS:
        raise PublishRefused(
            f"The heading is {len(heading):,} characters long; the limit is {HEADING_MAX_CHARS}."
        )


def discard(draft: Draft, by) -> DiscardedDraft | None:
    """Close the draft; its text, when it differs from the section's, is kept as a
    DiscardedDraft (the section's history shows it). The next draft gets a new id."""
    with transaction.atomic():
        draft = _locked(draft.pk)
        heading, body = draft_text(draft)
        section = Section.all_objects.get(pk=draft.section_id)
        kept = None
        if (heading, body) != (section.heading, section.editable_body):
            kept = DiscardedDraft.objects.create(
                section=section,
                heading=heading,
                body=body,
                base_version=draft.base_version,
                edited_at=draft.edited_at,
                discarded_by=by,
            )
            kept.authors.set(draft.authors.all())
        group = draft_group(draft.pk)
        draft.delete()
        event = {"type": "discarded", "by": username(by)}
        send_after_commit(group, {"type": "draft.event", "event": event})
        # Plan pages drop the section's draft banner.
        changed = {"type": "plan.changed", "section": section.pk, "kind": "draft"}
        send_after_commit(plan_group(section.plan_id), changed)
    return kept


def compact(draft_id: int) -> int:
    """Fold the stored updates into the snapshot, in one transaction; how many were folded."""
    with transaction.atomic():
        try:
            draft = _locked(draft_id)
        except DraftGone:
            return 0
        rows = list(draft.updates.order_by("pk").values_list("pk", "data"))
        if not rows:
            return 0
        parts = [bytes(draft.snapshot)] if draft.snapshot else []
        parts += [bytes(data) for _, data in rows]
        Draft.objects.filter(pk=draft_id).update(snapshot=merge_updates(*parts))
        DraftUpdate.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    return len(rows)


def compact_if_due(draft_id: int) -> bool:
    """Compact when more than COMPACT_AFTER updates are stored (one count otherwise)."""
    if DraftUpdate.objects.filter(draft_id=draft_id).count() <= COMPACT_AFTER:
        return False
    compact(draft_id)
    return True
