"""Assigning a sign-off to a reviewer or owner."""

from .conftest import HX, plan_url


def test_assigning_a_viewer_is_refused(client, owner, viewer, plan):
    slot = plan.signoff_slots.get()
    client.force_login(owner)
    membership = plan.project.memberships.get(user=viewer)
    response = client.post(
        plan_url(plan, "signoff_assign", slot.pk), {"assignee": membership.pk}, **HX
    )
    assert response.status_code == 422 and "Choose a reviewer or owner" in response.content.decode()


def test_assignee_in_other_digits_is_refused(client, owner, reviewer, plan):
    slot = plan.signoff_slots.get()
    membership = plan.project.memberships.get(user=reviewer)
    other_digits = str(membership.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    client.force_login(owner)
    for value in (other_digits, "9" * 400):
        response = client.post(plan_url(plan, "signoff_assign", slot.pk), {"assignee": value}, **HX)
        assert response.status_code == 422
    slot.refresh_from_db()
    assert slot.assignee is None


def test_assign_queries(client, owner, reviewer, plan, django_assert_max_num_queries):
    slot = plan.signoff_slots.get()
    membership = plan.project.memberships.get(user=reviewer)
    client.force_login(owner)
    with django_assert_max_num_queries(18):  # +4: the ledger entry and the slot's plan
        response = client.post(
            plan_url(plan, "signoff_assign", slot.pk), {"assignee": membership.pk}, **HX
        )
    assert response.status_code == 200
    slot.refresh_from_db()
    assert slot.assignee == reviewer
