"""Concurrent saves on one section, with real threads and connections (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from planhub.plans.models import EditConflict, Section
from tests.factories import make_plan, make_project, make_user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_one_base_version_accept_exactly_one():
    owner = make_user("olivia")
    plan = make_plan(make_project(owner=owner), author=owner)
    section_id = plan.sections.get(heading="Overview").pk
    writers = 10
    barrier = threading.Barrier(writers)
    outcomes: list[str] = []

    def save(number: int) -> None:
        try:
            section = Section.objects.select_related("plan").get(pk=section_id)
            barrier.wait()
            section.save_edit(
                author=owner, heading="Overview", body=f"text {number}", base_version=1
            )
            outcomes.append("accepted")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted"] + ["conflict"] * (writers - 1)
    section = Section.objects.get(pk=section_id)
    assert section.version == 2
    assert list(section.revisions.order_by("version").values_list("version", flat=True)) == [1, 2]
    assert section.revisions.get(version=2).body == section.body
