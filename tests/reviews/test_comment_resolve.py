"""Resolving and reopening a comment thread: without JavaScript, by HTMX, bad input."""

from planhub.reviews.models import Comment

from .conftest import HX, plan_url, section_url


def test_malformed_resolved_flag_is_400(client, reviewer, section):
    thread = Comment.objects.create(section=section, author=reviewer, body="first")
    client.force_login(reviewer)
    response = client.post(plan_url(section.plan, "comment_resolve", thread.pk), {"resolved": "²"})
    assert response.status_code == 400 and response.content.decode().startswith("resolved: ")
    thread.refresh_from_db()
    assert not thread.is_resolved


def test_resolve_then_reopen_without_javascript(client, reviewer, editor, section):
    thread = Comment.objects.create(section=section, author=reviewer, body="first")
    client.force_login(editor)
    url = plan_url(section.plan, "comment_resolve", thread.pk)
    response = client.post(url, {"resolved": "1"})
    assert response.status_code == 302
    assert response["Location"] == section_url(section, "comments")
    thread.refresh_from_db()
    assert thread.is_resolved
    client.post(url, {"resolved": "0"})
    thread.refresh_from_db()
    assert not thread.is_resolved


def test_htmx_resolve_answers_the_thread_list(client, reviewer, section):
    thread = Comment.objects.create(section=section, author=reviewer, body="first thread")
    client.force_login(reviewer)
    response = client.post(
        plan_url(section.plan, "comment_resolve", thread.pk), {"resolved": "1"}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<div id="comments-{section.pk}"') and "first thread" in html


def test_resolve_queries(client, reviewer, section, django_assert_max_num_queries):
    threads = [
        Comment.objects.create(section=section, author=reviewer, body=f"thread {n}")
        for n in range(10)
    ]
    client.force_login(reviewer)
    with django_assert_max_num_queries(9):
        response = client.post(
            plan_url(section.plan, "comment_resolve", threads[0].pk), {"resolved": "1"}, **HX
        )
    assert response.status_code == 200 and "thread 9" in response.content.decode()
