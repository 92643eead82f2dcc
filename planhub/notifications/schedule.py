"""When a digest goes out: the next top of the hour, or the next time the person's clock shows
their chosen hour (in their time zone, across daylight-saving changes)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def next_digest_time(now: datetime, zone: ZoneInfo, frequency: str, hour: int) -> datetime:
    """The first digest moment strictly after `now` (an aware datetime), in UTC."""
    now = now.astimezone(UTC)
    if frequency == "hourly":
        return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    local_today = now.astimezone(zone).date()
    for days in range(3):
        local = datetime.combine(local_today + timedelta(days=days), time(hour), tzinfo=zone)
        # A local time skipped by a clock change does not exist: zoneinfo reads it with the
        # offset before the change, which lands just after the gap (the same wall-clock
        # hour, an hour late); a repeated one is taken the first time it occurs (fold=0).
        moment = local.astimezone(UTC)
        if moment > now:
            return moment
    raise AssertionError("a day always has its hour")  # pragma: no cover
