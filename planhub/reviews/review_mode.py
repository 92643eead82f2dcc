"""Review mode for one reviewer: a plan's sections in the order they need that reviewer (the
ones waiting for their decision first), each with what changed since the version they last
decided on. Statuses come from status.py (the one place they are decided); this module only
orders and compares, in a constant number of queries whatever the number of sections."""

from dataclasses import dataclass
from hashlib import sha256

from django.core.cache import caches

from planhub.document.merging import word_diff
from planhub.plans.models import Plan, SectionRevision

from .rules import PlanReview, SectionReview, SectionStatus
from .status import review_plan

# Why a section waits for the reader, as the page says it.
FIRST_REVIEW = "Not reviewed by you yet"
CHANGED_SINCE = "Changed since your decision"
STALE = "Approved before the last edit (stale)"


@dataclass
class ReviewItem:
    section: object
    review: SectionReview
    needs_me: bool
    why: str  # why it waits for the reader ("" when it does not)
    since_version: int | None  # the version the reader last decided on (None: never)
    diff: list  # word_diff pieces: since_version (or the template's text) → current
    compared_with: str  # what the diff starts from, for the page
    reader_id: int
    notice: str = ""  # a refusal of the reader's last decision on it, shown in place
    comment: str = ""  # the comment they wrote with it, kept

    @property
    def refusal(self) -> str | None:
        """Why the reader may not approve it (placeholders, their own text), or None."""
        return self.review.refusal(self.reader_id)

    @property
    def has_changes(self) -> bool:
        return any(op != "equal" for op, _ in self.diff)


@dataclass
class ReviewPage:
    plan_review: PlanReview
    waiting: list[ReviewItem]
    rest: list[ReviewItem]

    @property
    def approvable(self) -> list[ReviewItem]:
        """Sections waiting for the reader that they may approve (“Approve all I have read”)."""
        return [item for item in self.waiting if item.refusal is None]

    def item(self, section_id: int) -> ReviewItem | None:
        return next((i for i in (*self.waiting, *self.rest) if i.section.pk == section_id), None)


def _my_latest(review: SectionReview, user_id: int):
    for decision in (*review.current, *review.stale):
        if decision.reviewer_id == user_id:
            return decision
    return None


# Word diffs are a pure function of the two texts and cost most of the page (difflib is
# quadratic): kept under a hash of both texts, so a changed text is simply a new key and an entry
# can never be stale. Shared by every reader who compares the same two texts (all who never
# decided compare the template's text with the current one).
DIFF_CACHE = "fragments"


def _diff_key(old: str, new: str) -> str:
    digest = sha256(old.encode())
    digest.update(b"\0")  # the boundary: ("ab", "c") and ("a", "bc") are different pairs
    digest.update(new.encode())
    return f"review-diff:{digest.hexdigest()}"


def word_diffs(pairs: dict[int, tuple[str, str]]) -> dict[int, list]:
    """{id: word_diff(old, new)} for {id: (old, new)}: one cache read for them all, the
    missing ones computed and kept."""
    cache = caches[DIFF_CACHE]
    keys = {pk: _diff_key(old, new) for pk, (old, new) in pairs.items()}
    found = cache.get_many(list(keys.values()))
    diffs, missing = {}, {}
    for pk, key in keys.items():
        if key in found:
            diffs[pk] = found[key]
        else:
            diffs[pk] = missing[key] = word_diff(*pairs[pk])
    if missing:
        cache.set_many(missing)
    return diffs


def review_page(plan: Plan, user) -> ReviewPage:
    """The plan as `user` reviews it: seven queries."""
    sections = list(plan.sections.all())
    plan_review = review_plan(plan, sections)
    mine = {s.pk: _my_latest(plan_review.by_section[s.pk], user.pk) for s in sections}
    earlier = {
        (r.section_id, r.version): r.body
        for r in SectionRevision.objects.filter(
            section__in=[pk for pk, d in mine.items() if d is not None],
            version__in={d.version for d in mine.values() if d is not None},
        ).only("section_id", "version", "body")
    }
    waiting, rest = [], []
    compare = {}  # {section id: (old, new)} for what waits: the diffs, all at once below
    for section in sections:
        review = plan_review.by_section[section.pk]
        decided = mine[section.pk]
        needs_me = review.status != SectionStatus.APPROVED and not review.decided_by(user.pk)
        if decided is None:
            why, old = FIRST_REVIEW, section.guidance
            compared_with = "the template's text" if section.guidance else "an empty section"
        else:
            why = STALE if review.status == SectionStatus.STALE else CHANGED_SINCE
            old = earlier.get((section.pk, decided.version), section.body)
            compared_with = f"version {decided.version}, your last decision"
        item = ReviewItem(
            section=section,
            review=review,
            needs_me=needs_me,
            why=why if needs_me else "",
            since_version=decided.version if decided else None,
            diff=[],
            compared_with=compared_with,
            reader_id=user.pk,
        )
        if needs_me:
            compare[section.pk] = (old, section.body)
        (waiting if needs_me else rest).append(item)
    diffs = word_diffs(compare)
    for item in waiting:
        item.diff = diffs[item.section.pk]
    return ReviewPage(plan_review=plan_review, waiting=waiting, rest=rest)
