"""The per-process caches hold at most their bound in bytes, whatever is put in them."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from planhub.lib.bounded_cache import BoundedLocMemCache
from planhub.reviews.models import SectionDecision
from tests.factories import make_plan

MB = 1024 * 1024


def bounded(max_bytes: int, name: str) -> BoundedLocMemCache:
    cache = BoundedLocMemCache(name, {"OPTIONS": {"MAX_BYTES": max_bytes}})
    cache.clear()
    return cache


def test_total_stays_under_the_bound_and_the_oldest_go_first():
    cache = bounded(10 * MB, "test-bound")
    for n in range(40):
        cache.set(f"entry-{n}", "x" * MB)
        assert cache.total_bytes <= 10 * MB
    assert cache.get("entry-39") is not None
    assert cache.get("entry-0") is None


def test_reading_an_entry_keeps_it():
    cache = bounded(5 * MB, "test-recency")
    cache.set("kept", "k" * MB)
    for n in range(10):
        cache.set(f"other-{n}", "o" * MB)
        assert cache.get("kept") is not None  # read each time: always the most recent


def test_an_entry_larger_than_a_quarter_of_the_bound_is_not_kept():
    cache = bounded(4 * MB, "test-large")
    cache.set("small", "s")
    cache.set("huge", "h" * (2 * MB))
    assert cache.get("huge") is None
    assert cache.get("small") == "s"
    cache.set("key", "old")
    cache.set("key", "n" * (2 * MB))  # replacing it with a huge value drops the old one
    assert cache.get("key") is None


def test_overwriting_and_deleting_keep_the_count_right():
    cache = bounded(10 * MB, "test-count")
    cache.set("a", "x" * 1000)
    first = cache.total_bytes
    cache.set("a", "y" * 1000)
    assert cache.total_bytes == first
    cache.delete("a")
    assert cache.total_bytes == 0
    cache.set("b", 1)
    cache.incr("b", 10)
    assert cache.get("b") == 11 and cache.total_bytes > 0
    cache.clear()
    assert cache.total_bytes == 0


@pytest.mark.parametrize("alias", ["default", "fragments"])
def test_every_configured_cache_is_bounded_in_bytes(alias):
    cache = caches[alias]
    assert isinstance(cache, BoundedLocMemCache)
    assert cache.max_bytes <= 64 * MB


def test_alternating_decisions_on_a_large_section_stay_within_the_bound(
    client, settings, project, owner, reviewer, editor
):
    """The attack: members alternating approve / request changes on a 2 MB section made every
    state a new cached copy of the section, until the server ran out of memory."""
    bound = 1 * MB  # the default is 64 MB: a smaller one shows the same in fewer rounds
    settings.CACHES = {
        **settings.CACHES,
        "fragments": {**settings.CACHES["fragments"], "OPTIONS": {"MAX_BYTES": bound}},
    }
    fragments = caches["fragments"]
    big_body = ("A line of a large section, with **some** markup.\n\n" * 8000)[:90_000]
    plan = make_plan(project, owner, text=f"# Big\n\n## Part\n\n{big_body}")
    section = plan.sections.get(heading="Part")
    client.force_login(reviewer)
    page = reverse("plan_detail", args=[project.slug, plan.pk])
    for round_ in range(30):
        decision = "approved" if round_ % 2 else "changes_requested"
        SectionDecision.record(section=section, reviewer=reviewer, decision=decision, version=1)
        assert client.get(page).status_code == 200
        held = sum(len(value) for value in fragments._cache.values())
        assert held <= bound
    assert held > bound / 4  # it did cache
