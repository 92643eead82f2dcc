"""What the section display says about its draft: someone left unpublished changes, or is
typing right now."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from .models import Draft

# Typed within this long ago: "is editing" rather than "left a draft".
EDITING_NOW = timedelta(minutes=1)


@dataclass(frozen=True)
class DraftBanner:
    draft_id: int
    who: str
    edited_at: datetime | None
    editing_now: bool


def draft_banners(section_ids) -> dict[int, DraftBanner]:
    """{section id: its banner} for the sections whose draft has unpublished typing (someone
    typed since the last version: the draft has authors), in one query."""
    drafts = (
        Draft.objects.filter(section_id__in=section_ids, authors__isnull=False)
        .select_related("edited_by")
        .distinct()
    )
    now = timezone.now()
    return {
        draft.section_id: DraftBanner(
            draft_id=draft.pk,
            who=draft.edited_by.username if draft.edited_by else "Someone",
            edited_at=draft.edited_at,
            editing_now=draft.edited_at is not None and now - draft.edited_at < EDITING_NOW,
        )
        for draft in drafts
    }


def set_draft_banners(sections) -> None:
    """Give each section its `draft_banner` (None without unpublished changes)."""
    banners = draft_banners([section.pk for section in sections])
    for section in sections:
        section.draft_banner = banners.get(section.pk)
