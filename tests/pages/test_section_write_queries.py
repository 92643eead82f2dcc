"""The edit form, a save and an approval cost the same queries however much data there is:
sections in the plan, a section's revisions and decisions, plans, members (issue 19)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from planhub.projects.models import Role
from planhub.reviews.models import SectionDecision
from tests.factories import add_member, make_plan, make_user

from .conftest import HX, url


def _plan(project, owner, sections: int):
    text = "# Plan\n\n" + "".join(f"## Part {n}\n\nText {n}.\n\n" for n in range(sections))
    return make_plan(project, owner, text=text)


def _counts(client, editor, reviewer, section) -> tuple[int, int, int]:
    """Queries of: the edit form (its draft already open), a save, an approval."""
    client.force_login(editor)
    client.get(url(section, "section_edit"), **HX)  # opens the shared draft
    with CaptureQueriesContext(connection) as edit:
        assert client.get(url(section, "section_edit"), **HX).status_code == 200
    section.refresh_from_db()
    data = {"heading": section.heading, "body": "Saved now.", "version": section.version}
    with CaptureQueriesContext(connection) as save:
        assert client.post(url(section), data, **HX).status_code == 200
    section.refresh_from_db()
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as approve:
        decision = {"decision": "approved", "version": section.version}
        assert client.post(url(section, "section_decide"), decision, **HX).status_code == 200
    return len(edit), len(save), len(approve)


def test_write_paths_cost_the_same_queries_at_ten_times_the_data(
    client, project, owner, editor, reviewer
):
    small = _plan(project, owner, 3).sections.get(heading="Part 1")
    small_counts = _counts(client, editor, reviewer, small)
    # The budgets (issue 19, second round): the sign-off list is not searched for a section
    # whose text cannot hold it (save and approval: 23 and 21 before); the edit form reads
    # the draft with its updates in one query (6 before).
    assert small_counts == (5, 21, 19)

    # Ten times everything: sections, a long history of versions, decisions and members.
    big_plan = _plan(project, owner, 30)
    for _ in range(5):
        _plan(project, owner, 3)
    big = big_plan.sections.get(heading="Part 1")
    big.plan = big_plan
    reviewers = [make_user(f"reviewer{n}") for n in range(10)]
    for user in reviewers:
        add_member(project, user, Role.REVIEWER)
    for number in range(30):
        big.save_edit(
            author=editor, heading=big.heading, body=f"Version {number}.", base_version=big.version
        )
        SectionDecision.record(
            section=big,
            reviewer=reviewers[number % 10],
            decision="changes_requested",
            version=big.version,
        )
    assert _counts(client, editor, reviewer, big) == small_counts
