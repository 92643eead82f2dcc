"""GET /p/<slug>/mentions/?q=: the members the comment box offers after "@" (members only,
at most SUGGESTIONS_MAX, `q` validated)."""

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.accounts.models import Profile
from planhub.lib.params import InvalidParameter
from planhub.projects.models import Role
from planhub.reviews.mentions import SUGGESTIONS_MAX, suggestion_query
from tests.factories import add_member, make_user


def url(project, q=None):
    base = reverse("mention_suggestions", args=[project.slug])
    return base if q is None else f"{base}?q={q}"


def usernames(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return [m["username"] for m in response.json()["members"]]


def test_lists_members_filtered_as_typed(client, members, project):
    profile = Profile.of(members["reviewer"])
    profile.display_name = "Rita Reviewer"
    profile.save()
    client.force_login(members["editor"])
    assert usernames(client.get(url(project))) == ["eddie", "olivia", "rita", "victor"]
    response = client.get(url(project, "ri"))
    assert response.json() == {"members": [{"username": "rita", "name": "Rita Reviewer"}]}
    assert usernames(client.get(url(project, "RI"))) == ["rita"]  # any case
    assert usernames(client.get(url(project, "revi"))) == ["rita"]  # by the display name
    assert usernames(client.get(url(project, "oscar"))) == []  # not a member


def test_usernames_that_start_with_it_come_first(client, owner, project):
    zed = make_user("zed")
    zed.first_name = "Olive"
    zed.save()
    add_member(project, zed, Role.EDITOR)
    client.force_login(owner)
    assert usernames(client.get(url(project, "oli"))) == ["olivia", "zed"]


def test_results_are_bounded(client, owner, project):
    for number in range(SUGGESTIONS_MAX + 5):
        add_member(project, make_user(f"member{number:02}"), Role.VIEWER)
    client.force_login(owner)
    found = usernames(client.get(url(project, "member")))
    assert found == [f"member{number:02}" for number in range(SUGGESTIONS_MAX)]


@pytest.mark.parametrize("q", ["a b", "<script>", "x" * 151, "%00", "a@b", "é%0A"])
def test_a_malformed_query_is_400(client, owner, project, q):
    client.force_login(owner)
    response = client.get(url(project, q))
    assert response.status_code == 400
    assert response.content.decode().startswith("q: expected the start of a username")


def test_unicode_names_are_a_valid_query(client, owner, project):
    add_member(project, make_user("zoë"), Role.VIEWER)
    client.force_login(owner)
    assert usernames(client.get(url(project, "zo%C3%AB"))) == ["zoë"]


def test_outsiders_and_anonymous_get_nothing(client, outsider, project):
    assert client.get(url(project, "o")).status_code == 302
    client.force_login(outsider)
    assert client.get(url(project, "o")).status_code == 404


def test_queries(client, owner, project, django_assert_max_num_queries):
    client.force_login(owner)
    with django_assert_max_num_queries(4):
        assert usernames(client.get(url(project, "o"))) == ["olivia"]


def test_like_wildcards_are_plain_characters(client, owner, project):
    client.force_login(owner)
    assert usernames(client.get(url(project, "_"))) == []
    assert usernames(client.get(url(project, "."))) == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_query_is_taken_or_refused_with_a_message(value):
    try:
        assert suggestion_query(value) == value
    except InvalidParameter as error:
        assert str(error).startswith("q: expected the start of a username")
