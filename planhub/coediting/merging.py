"""A change saved without the draft, merged into the draft's document (three-way, line by line,
planhub/document/merging.py): what clashes stays in the text between conflict markers, never
dropped; the result reaches the document as minimal edits, so typing that arrives concurrently
survives."""

from pycrdt import Doc, Text

from planhub.document.merging import merge_heading, propose_merge

from .text_sync import apply_text


def merge_into_doc(
    doc: Doc, base: tuple[str, str] | None, theirs: tuple[str, str], label: str
) -> int:
    """Merge `theirs` (heading, body), an edit of `base` (None when that version is gone), into
    the document's text; how many conflicts it marked. When both renamed the heading the
    document's heading stays (theirs is in the section's history) and counts as a conflict."""
    heading_text, body_text = doc.get("heading", type=Text), doc.get("body", type=Text)
    mine_heading, mine_body = str(heading_text), str(body_text)
    proposal = propose_merge(base[1] if base else None, mine_body, theirs[1], label)
    heading = merge_heading(base[0] if base else None, mine_heading, theirs[0])
    conflicts = len(proposal.hunks)
    if heading is None:
        heading, conflicts = mine_heading, conflicts + 1
    with doc.transaction():
        apply_text(heading_text, heading)
        apply_text(body_text, proposal.text())
    return conflicts
