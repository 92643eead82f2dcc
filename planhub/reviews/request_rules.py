"""When a review request is done, and when it is overdue: the rules alone, no queries.

A request asks its reviewer for a decision on the sections that were live when it was made, each
at the version it had then (`asked`: {section id: version}). A section asked for is **decided**
when the reviewer approved it or requested changes on that version or a later one. A section
deleted since no longer counts (it comes back, undecided or not, when restored); sections added
since were not asked for. The request is **done** when every asked section that still exists is
decided (so a request whose sections were all deleted is done too), and **overdue** when it is
not done and its due date is over in the reviewer's time zone (due Friday: overdue from
Saturday, their midnight).
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RequestProgress:
    asked: int  # sections asked for that still exist
    decided: int  # of those, decided by the reviewer on the asked version or later
    waiting_ids: tuple[int, ...]  # the asked sections not decided yet
    cancelled: bool
    overdue: bool

    @property
    def done(self) -> bool:
        return self.decided >= self.asked

    @property
    def open(self) -> bool:
        return not self.cancelled and not self.done

    @property
    def waiting(self) -> int:
        return self.asked - self.decided

    @property
    def state(self) -> str:
        if self.cancelled:
            return "cancelled"
        if self.done:
            return "done"
        return "overdue" if self.overdue else "open"


def judge_request(
    asked: dict[int, int],
    live: set[int] | frozenset[int],
    decided: dict[int, int],
    *,
    due: date | None,
    today: date,
    cancelled: bool = False,
) -> RequestProgress:
    """`asked` {section id: version at request time}; `live` the ids of sections not deleted;
    `decided` {section id: the highest version the reviewer decided on}."""
    counted = sorted(pk for pk in asked if pk in live)
    waiting = tuple(pk for pk in counted if decided.get(pk, 0) < asked[pk])
    done = not waiting
    return RequestProgress(
        asked=len(counted),
        decided=len(counted) - len(waiting),
        waiting_ids=waiting,
        cancelled=cancelled,
        overdue=not cancelled and not done and due is not None and today > due,
    )


def due_wording(due: date | None, today: date) -> str:
    """How a due date reads beside a request: "due today", "due tomorrow", "due Friday" (within a
    week), "due 14 Dec" (later this year), "due 3 Jan 2027"; "was due yesterday" / "was due Friday"
    / "was due 1 Dec" once past."""
    if due is None:
        return "no due date"
    days = (due - today).days
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days == -1:
        return "was due yesterday"
    if 1 < days < 7:
        return f"due {due:%A}"
    if -7 < days < -1:
        return f"was due {due:%A}"
    day = f"{due.day} {due:%b}" if due.year == today.year else f"{due.day} {due:%b %Y}"
    return f"due {day}" if days > 0 else f"was due {day}"
