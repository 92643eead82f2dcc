"""Comment threads on a section: write, reply, bad input."""

import pytest

from planhub.reviews.models import Comment

from .conftest import HX, plan_url, section_url


def test_comment_thread_reply_resolve_reopen(client, editor, reviewer, section):
    client.force_login(reviewer)
    response = client.post(section_url(section, "comments"), {"body": "Why <b>this</b>?"}, **HX)
    assert response["HX-Trigger"] == f'{{"commentChanged": {{"section": {section.pk}}}}}'
    assert "Why &lt;b&gt;this&lt;/b&gt;?" in response.content.decode()
    thread = Comment.objects.get()
    client.force_login(editor)
    client.post(section_url(section, "comments"), {"body": "Because.", "parent": thread.pk}, **HX)
    assert thread.replies.get().author == editor
    html = client.get(section.plan.get_absolute_url()).content.decode()
    assert "1 open comment" in html
    client.post(plan_url(section.plan, "comment_resolve", thread.pk), {"resolved": "1"}, **HX)
    thread.refresh_from_db()
    assert thread.resolved_by == editor
    assert "1 open comment" not in client.get(section.plan.get_absolute_url()).content.decode()
    response = client.post(
        plan_url(section.plan, "comment_resolve", thread.pk), {"resolved": "0"}, **HX
    )
    assert "Resolve</button>" in response.content.decode()
    thread.refresh_from_db()
    assert not thread.is_resolved


def test_empty_or_oversized_comment_keeps_text(client, reviewer, section):
    client.force_login(reviewer)
    response = client.post(section_url(section, "comments"), {"body": ""}, **HX)
    assert response.status_code == 422 and "Write something first." in response.content.decode()
    long = "x" * 10_001
    response = client.post(section_url(section, "comments"), {"body": long}, **HX)
    assert response.status_code == 422 and long in response.content.decode()
    assert not Comment.objects.exists()


def test_reply_to_another_sections_comment_is_404(client, reviewer, section, plan):
    other = plan.sections.get(heading="Architecture")
    thread = Comment.objects.create(section=other, author=reviewer, body="x")
    client.force_login(reviewer)
    response = client.post(section_url(section, "comments"), {"body": "y", "parent": thread.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("parent", ["{arabic}", "9" * 400, "abc"])
def test_reply_to_a_malformed_parent_is_422(client, reviewer, section, parent):
    thread = Comment.objects.create(section=section, author=reviewer, body="first")
    # The thread's id in Arabic-Indic digits: int() would have read it as the thread.
    arabic = str(thread.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    client.force_login(reviewer)
    data = {"body": "a reply", "parent": parent.format(arabic=arabic)}
    response = client.post(section_url(section, "comments"), data, **HX)
    assert response.status_code == 422
    assert Comment.objects.count() == 1


def test_comments_page_queries_do_not_grow_with_threads(
    client, reviewer, editor, section, django_assert_max_num_queries
):
    for number in range(10):
        thread = Comment.objects.create(section=section, author=reviewer, body=f"thread {number}")
        Comment.objects.create(section=section, author=editor, parent=thread, body="a reply")
    client.force_login(reviewer)
    with django_assert_max_num_queries(8):
        response = client.get(section_url(section, "comments"), **HX)
    assert response.status_code == 200 and "thread 9" in response.content.decode()
