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
