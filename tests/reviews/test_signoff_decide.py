"""Signing off (or declining) a plan: the flow, races on the content, bad input."""

from planhub.reviews.status import review_plan

from .conftest import HX, plan_url


def test_signoff_flow_and_table(client, owner, reviewer, section):
    plan = section.plan
    slot = plan.signoff_slots.get()
    membership = plan.project.memberships.get(user=reviewer)
    client.force_login(owner)
    response = client.post(
        plan_url(plan, "signoff_assign", slot.pk), {"assignee": membership.pk}, **HX
    )
    assert "rita (reviewer)</option>" in response.content.decode()
    client.force_login(reviewer)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Your decision on “Plan approval”" in html
    response = client.post(
        plan_url(plan, "signoff_decide", slot.pk),
        {"decision": "declined", "content_hash": review_plan(plan).content_hash},
        **HX,
    )
    assert response.status_code == 422
    assert "Give a reason for declining" in response.content.decode()
    response = client.post(
        plan_url(plan, "signoff_decide", slot.pk),
        {"decision": "signed", "content_hash": "0" * 64},
        **HX,
    )
    assert (
        response.status_code == 409
        and "The plan changed while you were reading it" in response.content.decode()
    )
    response = client.post(
        plan_url(plan, "signoff_decide", slot.pk),
        {"decision": "signed", "content_hash": review_plan(plan).content_hash},
        **HX,
    )
    assert response.status_code == 200 and "Signed off" in response.content.decode()


def test_decide_queries_do_not_grow_with_sections(
    client, owner, reviewer, section, django_assert_max_num_queries
):
    plan = section.plan
    assert plan.sections.count() > 30
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    client.force_login(reviewer)
    data = {"decision": "signed", "content_hash": review_plan(plan).content_hash}
    with django_assert_max_num_queries(20):
        response = client.post(plan_url(plan, "signoff_decide", slot.pk), data, **HX)
    assert response.status_code == 200 and slot.signoffs.exists()
