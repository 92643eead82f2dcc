"""A plan's activity: every kind of event."""

from planhub.reviews.models import Comment, SectionDecision

from .conftest import plan_url


def test_activity_lists_every_kind_of_event(client, owner, reviewer, editor, section):
    plan = section.plan
    SectionDecision.record(
        section=section,
        reviewer=reviewer,
        decision="changes_requested",
        version=2,
        comment="More detail",
    )
    Comment.objects.create(section=section, author=reviewer, body="See above")
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    client.force_login(editor)
    html = client.get(plan_url(plan, "plan_activity")).content.decode()
    for text in [
        "created the plan from Feature plan",
        "edited “Overview” (version 2)",
        "requested changes on “Overview” (version 2): More detail",
        "commented on “Overview”: See above",
        "assigned “Plan approval” to rita",
    ]:
        assert text in html


def test_activity_queries_do_not_grow_with_events(
    client, owner, reviewer, editor, section, django_assert_max_num_queries
):
    for number in range(10):
        SectionDecision.record(
            section=section, reviewer=reviewer, decision="approved", version=section.version
        )
        Comment.objects.create(section=section, author=reviewer, body=f"note {number}")
        section.save_edit(
            author=editor,
            heading="Overview",
            body=f"Version {number}.",
            base_version=section.version,
        )
    client.force_login(editor)
    with django_assert_max_num_queries(12):  # +1: the top bar's unread count
        response = client.get(plan_url(section.plan, "plan_activity"))
    assert response.status_code == 200 and "commented on “Overview”: note 9" in response.text
