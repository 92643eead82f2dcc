"""Editing and deleting comments: the author only (others 403, viewers never), shown
"edited" with the time; a deleted thread with replies keeps its place as "comment deleted"."""

import pytest

from planhub.reviews.models import Comment

from .conftest import HX, plan_url, section_url


def edit_url(comment):
    return plan_url(comment.section.plan, "comment_edit", comment.pk)


def delete_url(comment):
    return plan_url(comment.section.plan, "comment_delete", comment.pk)


@pytest.fixture
def thread(section, reviewer):
    return Comment.write(section=section, author=reviewer, body="First **thought**").comment


def test_author_edits_and_the_comment_shows_edited(client, reviewer, thread, section):
    client.force_login(reviewer)
    form = client.get(edit_url(thread), **HX)
    assert form.status_code == 200
    assert "First **thought**</textarea>" in form.content.decode()  # the Markdown to edit
    response = client.post(edit_url(thread), {"body": "Second *thought*"}, **HX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == f'{{"commentChanged": {{"section": {section.pk}}}}}'
    html = response.content.decode()
    assert "<em>thought</em>" in html and "First" not in html
    thread.refresh_from_db()
    assert thread.body == "Second *thought*" and thread.edited_at is not None
    assert f'edited <time datetime="{thread.edited_at:%Y-%m-%dT%H:%M}' in html


def test_an_unchanged_edit_is_not_marked_edited(client, reviewer, thread):
    client.force_login(reviewer)
    client.post(edit_url(thread), {"body": "First **thought**"}, **HX)
    thread.refresh_from_db()
    assert thread.edited_at is None


def test_a_new_comment_is_not_marked_edited(client, reviewer, thread, section):
    client.force_login(reviewer)
    assert "comment-edited" not in client.get(section_url(section, "comments")).content.decode()


def test_edit_without_javascript_goes_back_to_the_comment(client, reviewer, thread, section):
    client.force_login(reviewer)
    page = client.get(edit_url(thread))
    assert page.status_code == 200 and "<h1>Comments on" in page.content.decode()
    response = client.post(edit_url(thread), {"body": "Changed"})
    assert response.status_code == 302
    assert response["Location"] == section_url(section, "comments") + f"#comment-{thread.pk}"


@pytest.mark.parametrize(
    "body, message", [("", "Write something first."), ("x" * 10_001, "at most 10,000 characters")]
)
def test_a_refused_edit_keeps_the_text_and_changes_nothing(client, reviewer, thread, body, message):
    client.force_login(reviewer)
    response = client.post(edit_url(thread), {"body": body}, **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and f"{body}</textarea>" in html and 'aria-invalid="true"' in html
    thread.refresh_from_db()
    assert thread.body == "First **thought**" and thread.edited_at is None


@pytest.mark.parametrize("who", ["owner", "editor", "viewer"])
def test_nobody_else_edits_or_deletes(client, members, thread, who):
    client.force_login(members[who])
    assert client.get(edit_url(thread)).status_code == 403
    assert client.post(edit_url(thread), {"body": "mine now"}).status_code == 403
    assert client.post(delete_url(thread)).status_code == 403
    thread.refresh_from_db()
    assert thread.body == "First **thought**" and thread.deleted_at is None


def test_outsider_gets_404(client, outsider, thread):
    client.force_login(outsider)
    assert client.post(edit_url(thread), {"body": "x"}).status_code == 404
    assert client.post(delete_url(thread)).status_code == 404


def test_only_the_author_sees_edit_and_delete(client, reviewer, editor, thread, section):
    client.force_login(reviewer)
    assert ">Edit</a>" in client.get(section_url(section, "comments")).content.decode()
    client.force_login(editor)
    html = client.get(section_url(section, "comments")).content.decode()
    assert ">Edit</a>" not in html and ">Delete</button>" not in html


def test_deleting_a_lone_comment_removes_it(client, reviewer, thread, section):
    client.force_login(reviewer)
    response = client.post(delete_url(thread), **HX)
    assert response.status_code == 200
    assert "No comments on this section yet." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_deleted_thread_with_replies_keeps_its_place(client, reviewer, editor, thread, section):
    reply = Comment.write(section=section, author=editor, body="A reply", parent=thread).comment
    client.force_login(reviewer)
    html = client.post(delete_url(thread), **HX).content.decode()
    assert "Comment deleted" in html and "First" not in html and "A reply" in html
    assert html.index("Comment deleted") < html.index("A reply")
    thread.refresh_from_db()
    assert thread.deleted_at is not None and thread.body == "" and thread.body_html == ""
    # Nothing more to do with it: it cannot be edited or deleted again.
    assert client.post(edit_url(thread), {"body": "back"}).status_code == 403
    assert client.post(delete_url(thread)).status_code == 403
    # Its last reply deleted, the thread goes too.
    client.force_login(editor)
    html = client.post(delete_url(reply), **HX).content.decode()
    assert "No comments on this section yet." in html
    assert not Comment.objects.exists()


def test_deleting_a_reply_keeps_the_thread(client, reviewer, editor, thread, section):
    reply = Comment.write(section=section, author=editor, body="A reply", parent=thread).comment
    client.force_login(editor)
    response = client.post(delete_url(reply))
    assert response.status_code == 302
    assert list(Comment.objects.all()) == [thread]


def test_a_comment_of_another_plan_is_404(client, reviewer, thread, project, owner):
    from tests.factories import make_plan

    other = make_plan(project, author=owner)
    client.force_login(reviewer)
    url = plan_url(other, "comment_edit", thread.pk)
    assert client.post(url, {"body": "x"}).status_code == 404


def test_delete_is_a_post(client, reviewer, thread):
    client.force_login(reviewer)
    assert client.get(delete_url(thread)).status_code == 405
    assert Comment.objects.filter(pk=thread.pk, deleted_at=None).exists()


QUERIES = 12  # with the savepoint of the edit and its notifications


def test_edit_queries(client, reviewer, thread, django_assert_max_num_queries):
    client.force_login(reviewer)
    with django_assert_max_num_queries(QUERIES):
        response = client.post(edit_url(thread), {"body": "Edited"}, **HX)
    assert response.status_code == 200


def test_the_activity_no_longer_shows_a_deleted_comments_text(
    client, reviewer, editor, thread, section
):
    Comment.write(section=section, author=editor, body="A reply", parent=thread)
    thread.delete_by(reviewer)
    client.force_login(editor)
    html = client.get(plan_url(section.plan, "plan_activity")).content.decode()
    assert "(comment deleted)" in html and "First" not in html and "A reply" in html
