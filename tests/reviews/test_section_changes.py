"""What changed in a section since a version: the word diff, bad versions."""

import pytest

from tests.factories import make_plan

from .conftest import HX, section_url

ELEVEN_LINES = [f"line {n}" for n in range(1, 12)]


def test_stale_approval_shows_what_changed(client, reviewer, editor, section):
    client.force_login(reviewer)
    client.post(section_url(section, "section_decide"), {"decision": "approved", "version": 2})
    section.save_edit(author=editor, heading="Overview", body="Our new approach.", base_version=2)
    html = client.get(section.plan.get_absolute_url()).content.decode()
    assert "stale: edited since" in html
    changes = client.get(section_url(section, "section_changes") + "?since=2").content.decode()
    assert (
        '<span class="diff-removed"><span class="visually-hidden">removed: </span>-Our approach.'
        in changes
    )
    assert (
        '<span class="diff-added"><span class="visually-hidden">added: </span>+Our<ins>'
        '<span class="visually-hidden">[added: </span> new<span class="visually-hidden">]'
        "</span></ins> approach." in changes
    )


@pytest.mark.parametrize("query", ["since=²", "to=²", "since=abc", "since=0", "to=" + "9" * 400])
def test_malformed_changes_version_is_400(client, viewer, section, query):
    """“²”.isdigit() is True and int("²") fails: it was a 500."""
    client.force_login(viewer)
    response = client.get(section_url(section, "section_changes") + "?" + query)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith(query.split("=")[0] + ": ")


def test_changes_since_a_version_the_section_does_not_have_shows_the_last_change(
    client, viewer, section
):
    client.force_login(viewer)
    response = client.get(section_url(section, "section_changes") + f"?since={2**63 - 1}")
    assert response.status_code == 200 and "+Our approach." in response.content.decode()


def test_the_compare_marks_changed_words_and_escapes_them(client, project, owner, viewer):
    plan = make_plan(project, owner, text="# Plan\n\n## Scope\n\n" + "\n".join(ELEVEN_LINES))
    section = plan.sections.get(heading="Scope")
    section.plan = plan
    lines = [*ELEVEN_LINES[:4], "line 5 <img &", *ELEVEN_LINES[5:]]
    section.save_edit(author=owner, heading="Scope", body="\n".join(lines), base_version=1)
    client.force_login(viewer)
    html = client.get(section_url(section, "section_changes") + "?since=1&to=2").content.decode()
    assert "<img" not in html
    assert (
        '<span class="diff-added"><span class="visually-hidden">added: </span>+line 5<ins>'
        '<span class="visually-hidden">[added: </span> &lt;img &amp;'
    ) in html


def test_htmx_gets_the_diff_alone(client, reviewer, editor, section):
    section.save_edit(author=editor, heading="Overview", body="Our new approach.", base_version=2)
    client.force_login(reviewer)
    url = section_url(section, "section_changes") + "?since=2"
    partial = client.get(url, **HX).content.decode()
    page = client.get(url).content.decode()
    assert "<html" not in partial and "<html" in page
    assert "+Our<ins>" in partial and "+Our<ins>" in page


def test_changes_queries_do_not_grow_with_versions(
    client, viewer, editor, section, django_assert_max_num_queries
):
    for version in range(2, 12):
        section.save_edit(
            author=editor, heading="Overview", body=f"Version {version + 1}.", base_version=version
        )
    client.force_login(viewer)
    with django_assert_max_num_queries(8):  # +1: the top bar's unread count
        response = client.get(section_url(section, "section_changes") + "?since=2")
    assert response.status_code == 200 and "+Version 12." in response.content.decode()
