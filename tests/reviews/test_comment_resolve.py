"""Resolving and reopening a comment thread."""

from planhub.reviews.models import Comment

from .conftest import plan_url


def test_malformed_resolved_flag_is_400(client, reviewer, section):
    thread = Comment.objects.create(section=section, author=reviewer, body="first")
    client.force_login(reviewer)
    response = client.post(plan_url(section.plan, "comment_resolve", thread.pk), {"resolved": "²"})
    assert response.status_code == 400 and response.content.decode().startswith("resolved: ")
    thread.refresh_from_db()
    assert not thread.is_resolved
