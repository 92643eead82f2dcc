"""Saving a person's choices: their preferences per event, their digest time (a scheduled digest
moves with it)."""

from django.db import transaction

from .delivery import schedule_digest
from .models import DigestSchedule, Event, Preference


def save_preferences(user, choices: dict[str, str], frequency: str, hour: int) -> None:
    with transaction.atomic():
        Preference.choose(user, choices)
        schedule = DigestSchedule.of(user.pk)
        moved = (schedule.frequency, schedule.hour) != (frequency, hour)
        schedule.frequency, schedule.hour = frequency, hour
        schedule.save(update_fields=["frequency", "hour"])
        if moved and schedule.due_at is not None:
            schedule_digest(user, reschedule=True)


def unsubscribe(user, events: list[Event]) -> None:
    Preference.choose(user, {event.value: "never" for event in events})
