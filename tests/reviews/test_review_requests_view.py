"""/p/<slug>/plans/<id>/review-requests/ (list and ask) and …/<id>/cancel/."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planhub.reviews.models import ReviewRequest, SectionDecision
from tests.factories import add_member, make_plan, make_user

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def url(plan):
    return reverse("review_requests", args=[plan.project.slug, plan.pk])


def cancel_url(request):
    return reverse(
        "review_request_cancel", args=[request.plan.project.slug, request.plan_id, request.pk]
    )


def test_an_editor_asks_and_the_list_shows_progress(client, editor, reviewer, owner, plan, url):
    client.force_login(editor)
    due = date.today() + timedelta(days=3)
    response = client.post(
        url, {"reviewers": [reviewer.pk, owner.pk], "due": due.isoformat(), "message": "By Friday?"}
    )
    assert response.status_code == 302 and response["Location"] == url
    made = ReviewRequest.objects.order_by("reviewer__username")
    assert [(r.reviewer, r.requested_by, r.due, r.message) for r in made] == [
        (owner, editor, due, "By Friday?"),
        (reviewer, editor, due, "By Friday?"),
    ]
    section = plan.sections.first()
    SectionDecision.objects.create(
        section=section, reviewer=reviewer, decision="approved", version=1
    )
    html = client.get(url).content.decode()
    total = plan.sections.count()
    assert f"1 of {total} sections decided" in html and f"0 of {total} sections decided" in html
    assert "By Friday?" in html and "Asked by eddie" in html


def test_the_htmx_variant_answers_the_panel_and_tells_the_page(client, editor, reviewer, url):
    client.force_login(editor)
    response = client.post(url, {"reviewers": [reviewer.pk]}, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "reviewRequestsChanged" in response["HX-Trigger"]
    assert html.lstrip().startswith('<section id="review-requests"') and "<html" not in html
    assert "Review requested." in html and "rita" in html
    panel = client.get(url, **HX).content.decode()
    assert panel.lstrip().startswith('<section id="review-requests"')


@pytest.mark.parametrize(
    "data, says",
    [
        ({}, "Choose at least one reviewer."),
        ({"reviewers": ["abc"]}, "“abc” is not a member of this project."),
        ({"reviewers": ["999999"]}, "999999 is not one of them."),
        ({"reviewers": ["REVIEWER"], "due": "next friday"}, "Give the due date as YYYY-MM-DD"),
        (
            {"reviewers": ["REVIEWER"], "due": "2020-01-01"},
            "The due date 2020-01-01 is in the past",
        ),
        ({"reviewers": ["REVIEWER"], "message": "x" * 2001}, "at most 2,000 characters"),
        ({"reviewers": ["EDITOR"]}, "is not one of them."),  # an editor does not review
        ({"reviewers": ["VIEWER"]}, "is not one of them."),
    ],
)
def test_bad_input_is_refused_with_the_input_kept(
    client, owner, editor, reviewer, viewer, url, data, says
):
    users = {"REVIEWER": reviewer, "EDITOR": editor, "VIEWER": viewer}
    data = {
        key: [str(users[v].pk) if v in users else v for v in value] if key == "reviewers" else value
        for key, value in data.items()
    }
    data.setdefault("message", "Keep this message")
    client.force_login(owner)
    for headers in ({}, HX):
        response = client.post(url, data, **headers)
        html = response.content.decode()
        assert response.status_code == 422, html
        assert says in html.replace("&quot;", '"').replace("&#x27;", "'")
        assert data["message"][:50] in html
    assert not ReviewRequest.objects.exists()


def test_the_requester_is_not_offered_and_cannot_ask_themself(client, owner, reviewer, url):
    client.force_login(owner)
    html = client.get(url).content.decode()
    assert "rita (reviewer)" in html and "olivia (owner)" not in html
    response = client.post(url, {"reviewers": [owner.pk], "message": "me"})
    assert response.status_code == 422 and not ReviewRequest.objects.exists()


def test_asking_again_while_open_is_refused_with_the_form_kept(client, owner, reviewer, plan, url):
    ReviewRequest.create(plan, by=owner, reviewers=[reviewer])
    client.force_login(owner)
    response = client.post(url, {"reviewers": [reviewer.pk], "message": "second try"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Already asked and not done yet: rita" in html and "second try" in html
    assert "rita (reviewer): asked, not done yet" in html and "olivia" not in html.split("<h3")[1]
    assert ReviewRequest.objects.count() == 1


def test_viewers_see_the_list_but_no_form(client, viewer, owner, reviewer, plan, url):
    ReviewRequest.create(plan, by=owner, reviewers=[reviewer])
    client.force_login(viewer)
    html = client.get(url).content.decode()
    assert "rita" in html and "Ask for a review" not in html and "Cancel request" not in html


def test_empty_states(client, owner, project, plan, url):
    client.force_login(owner)
    html = client.get(url).content.decode()
    assert "Nobody has been asked to review this plan yet." in html
    assert "This project has no other reviewer or owner to ask." in html


def test_cancel_by_the_requester_or_an_owner_only(client, editor, reviewer, owner, plan):
    request = ReviewRequest.create(plan, by=editor, reviewers=[reviewer])[0]
    client.force_login(reviewer)
    assert client.post(cancel_url(request)).status_code == 403
    client.force_login(owner)
    response = client.post(cancel_url(request), **HX)
    assert response.status_code == 200 and "Request cancelled." in response.content.decode()
    request.refresh_from_db()
    assert request.cancelled_by == owner and request.cancelled_at is not None
    again = client.post(cancel_url(request), **HX)
    assert again.status_code == 409 and "already cancelled" in again.content.decode()


def test_another_plans_request_is_not_found(client, owner, reviewer, project, plan):
    other = make_plan(project, owner, text="# Other\n\n## A\n")
    request = ReviewRequest.create(other, by=owner, reviewers=[reviewer])[0]
    client.force_login(owner)
    wrong = reverse("review_request_cancel", args=[project.slug, plan.pk, request.pk])
    assert client.post(wrong).status_code == 404


def test_done_and_overdue_are_said_in_words(client, owner, reviewer, plan, url):
    late = make_user("lena")
    add_member(plan.project, late, "reviewer")
    done, overdue = ReviewRequest.create(plan, by=owner, reviewers=[reviewer, late])
    ReviewRequest.objects.filter(pk=overdue.pk).update(due=date.today() - timedelta(days=2))
    for section in plan.sections.all():
        SectionDecision.objects.create(
            section=section, reviewer=reviewer, decision="approved", version=section.version
        )
    client.force_login(owner)
    html = client.get(url).content.decode()
    assert "✓ Done" in html and "⚠ Overdue" in html and "was due" in html


def test_the_list_costs_the_same_for_many_requests(client, owner, plan, url):

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    reviewers = [make_user(f"rev{n}") for n in range(8)]
    for user in reviewers:
        add_member(plan.project, user, "reviewer")
    client.force_login(owner)
    ReviewRequest.create(plan, by=owner, reviewers=reviewers[:1])
    few = count()
    ReviewRequest.create(plan, by=owner, reviewers=reviewers[1:])
    assert count() == few > 3


def test_the_message_is_shown_as_text(client, owner, reviewer, plan, url):
    ReviewRequest.create(plan, by=owner, reviewers=[reviewer], message="<script>x()</script>\nok")
    client.force_login(owner)
    html = client.get(url).content.decode()
    assert "<script>x()" not in html and "&lt;script&gt;x()&lt;/script&gt;<br>ok" in html
