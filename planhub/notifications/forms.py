from django import forms

from .models import DEFAULT_DELIVERY, Delivery, DigestSchedule, Event


class PreferencesForm(forms.Form):
    """One choice per event (immediately, digest, never), and when the digest goes out."""

    frequency = forms.ChoiceField(
        label="Send my digest", choices=DigestSchedule.Frequency.choices, widget=forms.RadioSelect
    )
    hour = forms.TypedChoiceField(
        label="Daily, at",
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        help_text="In your time zone.",
    )

    def __init__(self, *args, chosen: dict[str, str], schedule: DigestSchedule, **kwargs):
        initial = {"frequency": schedule.frequency, "hour": schedule.hour}
        for event in Event:
            initial[event.value] = chosen.get(event.value, DEFAULT_DELIVERY[event])
        super().__init__(*args, initial=initial, **kwargs)
        for event in Event:
            self.fields[event.value] = forms.ChoiceField(
                label=event.label, choices=Delivery.choices, widget=forms.RadioSelect
            )

    def rows(self) -> list[dict]:
        """The table's rows: each event, its field, and the current choice."""
        return [
            {
                "event": event,
                "field": self[event.value],
                "value": str(self[event.value].value()),
            }
            for event in Event
        ]

    def choices(self) -> dict[str, str]:
        return {event.value: self.cleaned_data[event.value] for event in Event}
