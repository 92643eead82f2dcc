"""The sign-off table is written once (templates/reviews/_signoff_table.html): the plan page,
the sign-offs view and the printable document (hence the PDF) show the same rows from it;
who gets which control is decided in Python (reviews.signoff_table.signoff_rows)."""

import re

from django.urls import reverse

from planhub.projects.models import Membership
from planhub.reviews.forms import SignOffForm
from planhub.reviews.models import SignOff
from planhub.reviews.signoff_table import signoff_rows
from planhub.reviews.status import review_plan
from tests.factories import make_plan

TABLE = "reviews/_signoff_table.html"
ROW = re.compile(r'<tr id="slot-(\d+)" class="slot-([a-z_]+)">\s*<th scope="row">([^<]*)</th>')


def decide(plan, slot, user, decision, reason=""):
    SignOff.record(slot, user=user, decision=decision, reason=reason,
                seen_hash=review_plan(plan).content_hash)  # fmt: skip


def test_page_sign_offs_view_and_printed_document_show_the_same_rows(
    client, project, owner, reviewer
):
    plan = make_plan(project, owner, slug="technical-approach-plan")
    signed, declined, *_ = plan.signoff_slots.all()
    for slot in (signed, declined):
        slot.assign(reviewer, by=owner)
    decide(plan, signed, reviewer, "signed")
    decide(plan, declined, reviewer, "declined", reason="Not yet")
    client.force_login(owner)
    args = [project.slug, plan.pk]
    responses = [
        client.get(plan.get_absolute_url()),
        client.get(reverse("signoffs", args=args), HTTP_HX_REQUEST="true"),
        client.get(reverse("plan_print", args=args)),
    ]
    expected = [(str(r.slot.pk), r.status, r.slot.name) for r in review_plan(plan).slots]
    assert {"signed", "declined", "unassigned"} <= {status for _, status, _ in expected}
    for response in responses:
        assert TABLE in [t.name for t in response.templates]
        html = response.content.decode()
        assert ROW.findall(html) == expected
        assert html.count('<table class="signoff-table">') == 1
        assert "“Not yet”" in html


def test_rows_say_who_may_assign_and_decide(project, owner, reviewer, editor):
    plan = make_plan(project, owner)
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    member = {m.user_id: m for m in Membership.objects.filter(project=project)}

    def row(user, forms=None):
        (only,) = signoff_rows(review_plan(plan), member[user.pk], forms)
        return only

    assert (row(owner).can_assign, row(owner).can_decide) == (True, False)
    assert (row(reviewer).can_assign, row(reviewer).can_decide) == (False, True)
    assert (row(editor).can_assign, row(editor).can_decide) == (False, False)
    (paper,) = signoff_rows(review_plan(plan))
    assert (paper.can_assign, paper.can_decide, paper.errors) == (False, False, ())

    form = SignOffForm({"decision": "declined", "reason": "", "content_hash": "x"})
    assert not form.is_valid()
    assert row(reviewer, {slot.pk: form}).errors == tuple(form["reason"].errors)
    assert "Give a reason" in row(reviewer, {slot.pk: form}).errors[0]
    assert row(reviewer, {slot.pk + 1: form}).errors == ()

    decide(plan, slot, reviewer, "signed")
    assert not row(reviewer).can_decide  # signed on the current content: nothing to decide
