"""What the section display says about its draft: someone left unpublished changes, or is
typing right now."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BigIntegerField
from django.utils import timezone

from planhub.lib.compiled_query import CompiledQuery, Param

from .models import Draft

# Typed within this long ago: "is editing" rather than "left a draft".
EDITING_NOW = timedelta(minutes=1)


@dataclass(frozen=True)
class DraftBanner:
    draft_id: int
    who: str
    edited_at: datetime | None
    editing_now: bool


def _with_typing(drafts):
    """The drafts someone typed in since the last version (the draft has authors)."""
    return (
        drafts.filter(authors__isnull=False)
        .select_related("edited_by")
        .only("section_id", "edited_at", "edited_by__username")  # not the snapshot
        .distinct()
    )


def _banner(draft, now) -> DraftBanner:
    return DraftBanner(
        draft_id=draft.pk,
        who=draft.edited_by.username if draft.edited_by else "Someone",
        edited_at=draft.edited_at,
        editing_now=draft.edited_at is not None and now - draft.edited_at < EDITING_NOW,
    )


def draft_banners(section_ids) -> dict[int, DraftBanner]:
    """{section id: its banner} for the sections whose draft has unpublished typing, in one
    query."""
    now = timezone.now()
    drafts = _with_typing(Draft.objects.filter(section_id__in=section_ids))
    return {draft.section_id: _banner(draft, now) for draft in drafts}


# One section shown alone (after every save and review): compiled once per process.
SECTION_DRAFT_WITH_TYPING = CompiledQuery(
    lambda: _with_typing(Draft.objects.filter(section_id=Param("section_id", BigIntegerField())))
)


def set_draft_banners(sections) -> None:
    """Give each section its `draft_banner` (None without unpublished changes)."""
    if len(sections) == 1:
        draft = SECTION_DRAFT_WITH_TYPING.get(section_id=sections[0].pk)
        banners = {} if draft is None else {draft.section_id: _banner(draft, timezone.now())}
    else:
        banners = draft_banners([section.pk for section in sections])
    for section in sections:
        section.draft_banner = banners.get(section.pk)
