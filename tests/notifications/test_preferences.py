"""/notifications/preferences/: a labelled table of events × (immediately, digest, never) and
the digest's time; saved with a confirmation, bad input refused with nothing saved."""

import pytest
from django.urls import reverse

from planhub.notifications.models import DEFAULT_DELIVERY, DigestSchedule, Event, Preference

URL = "/notifications/preferences/"


def form_data(**overrides) -> dict:
    data = {event.value: DEFAULT_DELIVERY[event].value for event in Event}
    data.update(frequency="daily", hour="8")
    data.update(overrides)
    return data


def test_the_url_name():
    assert reverse("notification_preferences") == URL


def test_the_table_shows_each_event_with_its_choice_labelled(client, reviewer):
    client.force_login(reviewer)
    html = client.get(URL).content.decode()
    for event in Event:
        assert f'<th scope="row" id="event-{event.value}">{event.label}' in html
    assert '<th scope="col" id="choice-digest">In a digest</th>' in html
    assert 'aria-labelledby="event-mention choice-immediately" checked' in html
    assert 'aria-labelledby="event-plan_approved choice-digest" checked' in html
    assert "In your time zone (UTC)" in html


def test_saving_says_so_and_is_kept(client, reviewer):
    client.force_login(reviewer)
    response = client.post(URL, form_data(mention="never", frequency="hourly", hour="17"))
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL).content.decode()
    assert "Your notification preferences are saved." in page
    assert 'aria-labelledby="event-mention choice-never" checked' in page
    assert Preference.deliveries([reviewer.pk])[reviewer.pk]["mention"] == "never"
    schedule = DigestSchedule.objects.get(user=reviewer)
    assert (schedule.frequency, schedule.hour) == ("hourly", 17)


@pytest.mark.parametrize(
    "bad",
    [{"mention": "sometimes"}, {"hour": "24"}, {"hour": "x"}, {"frequency": "weekly"},
     {"mention": ""}],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_is_saved(client, reviewer, bad):
    client.force_login(reviewer)
    response = client.post(URL, form_data(review_requested="never", **bad))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was saved" in html and 'role="alert"' in html
    assert not Preference.objects.exists()


def test_only_get_and_post(client, reviewer):
    client.force_login(reviewer)
    assert client.put(URL).status_code == 405
