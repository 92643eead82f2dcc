"""GET /search/?q=: plans, sections and comments across the user's projects."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planhub.plans import restructuring
from planhub.projects.models import Role
from planhub.reviews.models import Comment
from planhub.search.query import MAX_QUERY_CHARS, MAX_RESULTS, search
from tests.factories import add_member, make_plan, make_project, make_user

URL = reverse("search")

PLAN_TEXT = """# Zebra crossing rollout

## Goals

Make crossing the road safe.

## Rollback strategy

If the lights fail, switch them off and put the wardens back.

## Risks

Rain makes the paint slippery; the rollback takes an hour.
"""


def get(client, q):
    return client.get(URL, {"q": q})


def page(client, q) -> str:
    response = get(client, q)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def apollo_plan(project, owner):
    return make_plan(project, author=owner, text=PLAN_TEXT)


@pytest.fixture
def other_project(db):
    """A project none of the fixture users is a member of, holding the same words."""
    stranger = make_user("stranger")
    other = make_project(owner=stranger, slug="hermes", name="Hermes secret project")
    plan = make_plan(other, author=stranger, text=PLAN_TEXT.replace("Zebra", "Hidden zebra"))
    section = plan.sections.get(heading="Goals")
    Comment.objects.create(section=section, author=stranger, body="zebra rollback outsider note")
    return other


def test_finds_plan_titles(client, owner, apollo_plan):
    client.force_login(owner)
    response = get(client, "zebra")
    hits = response.context["results"].hits
    assert [(h.kind, h.plan) for h in hits] == [("plan", apollo_plan)]
    html = response.content.decode()
    assert "<mark>Zebra</mark> crossing rollout" in html
    assert f'href="{apollo_plan.get_absolute_url()}"' in html
    assert "Apollo" in html  # the project's name


def test_finds_section_headings_and_text(client, owner, apollo_plan):
    client.force_login(owner)
    response = get(client, "rollback")
    hits = response.context["results"].hits
    by_heading = {h.plan.sections.get(pk=int(h.url.rsplit("-", 1)[1])).heading for h in hits}
    assert {h.kind for h in hits} == {"section"}
    assert by_heading == {"Rollback strategy", "Risks"}
    # The heading hit ranks above the text-only hit, on either database.
    assert hits[0].title == "<mark>Rollback</mark> strategy"
    html = response.content.decode()
    rollback = apollo_plan.sections.get(heading="Rollback strategy")
    assert f'href="{apollo_plan.get_absolute_url()}#section-{rollback.pk}"' in html
    assert "the <mark>rollback</mark> takes an hour" in html
    assert "Zebra crossing rollout" in html  # the plan each section is in


def test_finds_comments_and_replies(client, reviewer, owner, apollo_plan):
    section = apollo_plan.sections.get(heading="Goals")
    thread = Comment.objects.create(section=section, author=reviewer, body="What about giraffes?")
    reply = Comment.objects.create(
        section=section, author=owner, parent=thread, body="Giraffes use the bridge."
    )
    client.force_login(reviewer)
    response = get(client, "giraffes")
    hits = response.context["results"].hits
    assert {h.comment for h in hits} == {thread, reply}
    html = response.content.decode()
    comments_url = reverse("comments", args=["apollo", apollo_plan.pk, section.pk])
    assert f'href="{comments_url}#comment-{reply.pk}"' in html
    assert "What about <mark>giraffes</mark>?" in html
    assert "rita on Goals" in html


def test_every_word_must_match(client, owner, apollo_plan):
    client.force_login(owner)
    hits = get(client, "rollback hour").context["results"].hits
    assert [h.title for h in hits] == ["Risks"]
    assert get(client, "rollback unicorn").context["results"].hits == []


def test_the_title_heading_is_not_found_twice(client, owner, apollo_plan):
    """The H1 is the plan's title: its words find the plan, not also its first section."""
    client.force_login(owner)
    hits = get(client, "crossing rollout").context["results"].hits
    assert [h.kind for h in hits] == ["plan"]


def test_never_shows_other_projects(client, owner, outsider, apollo_plan, other_project):
    client.force_login(owner)
    for q in ("zebra", "rollback", "hidden", "outsider note", "Hermes"):
        response = get(client, q)
        html = response.content.decode()
        assert all(h.project.slug == "apollo" for h in response.context["results"].hits), q
        for secret in ("Hermes secret project", "Hidden zebra", "zebra rollback outsider"):
            assert secret not in html, q
    for q in ("hidden", "outsider note", "Hermes"):
        assert get(client, q).context["results"].hits == []
    client.force_login(outsider)  # a member of no project at all
    response = get(client, "zebra")
    assert response.context["results"].hits == []
    assert "Nothing matches" in response.content.decode()


def test_finds_in_every_project_of_the_user(client, owner, apollo_plan, other_project):
    add_member(other_project, owner, Role.VIEWER)
    client.force_login(owner)
    hits = get(client, "zebra").context["results"].hits
    assert {h.project.slug for h in hits} == {"apollo", "hermes"}


def test_archived_plans_are_found_and_labelled(client, owner, apollo_plan):
    apollo_plan.archived_at = timezone.now()
    apollo_plan.save(update_fields=["archived_at"])
    client.force_login(owner)
    response = get(client, "zebra")
    assert [h.plan for h in response.context["results"].hits] == [apollo_plan]
    assert '<span class="kind-badge">Archived</span>' in response.content.decode()


def test_deleted_sections_and_their_comments_are_not_found(client, owner, apollo_plan):
    section = apollo_plan.sections.get(heading="Risks")
    Comment.objects.create(section=section, author=owner, body="slippery slope")
    restructuring.delete_section(section, owner)
    client.force_login(owner)
    assert get(client, "slippery").context["results"].hits == []
    assert [h.title for h in get(client, "rollback").context["results"].hits] == [
        "<mark>Rollback</mark> strategy"
    ]


def test_snippets_escape_the_text(client, owner, project):
    payload = "<img src=x onerror=alert(1)>"
    plan = make_plan(
        project, author=owner, text=f"# Safe\n\n## Notes\n\n{payload} the zebra <b>bold</b>\n"
    )
    Comment.objects.create(
        section=plan.sections.get(heading="Notes"), author=owner, body=f"{payload} zebra"
    )
    client.force_login(owner)
    response = get(client, "zebra")
    html = response.content.decode()
    assert len(response.context["results"].hits) == 2
    assert "<img" not in html and "<b>" not in html
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    assert f"{escaped} the <mark>zebra</mark> &lt;b&gt;bold&lt;/b&gt;" in html
    assert f"{escaped} <mark>zebra</mark>" in html
    assert html.count("<mark>") == html.count("</mark>") == 2


def test_the_query_is_kept_in_the_box_and_escaped(client, owner, apollo_plan):
    client.force_login(owner)
    html = page(client, 'zebra "><script>alert(1)</script>')
    assert 'value="zebra &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "<script>alert(1)" not in html


def test_empty_query_explains_what_search_finds(client, owner):
    client.force_login(owner)
    for q in ("", "   "):
        response = get(client, q)
        assert response.status_code == 200 and response.context["results"] is None
        html = response.content.decode()
        assert "by their heading and their text" in html
        assert "comments" in html
    assert client.get(URL).status_code == 200  # no q at all


def test_no_results_says_so(client, owner, apollo_plan):
    client.force_login(owner)
    html = page(client, "unicorn")
    assert "Nothing matches “unicorn” in your projects." in html
    assert "Nothing matches" in page(client, "!!!")  # no words at all


def test_too_long_query_is_refused_with_a_message(client, owner, apollo_plan):
    client.force_login(owner)
    q = "zebra " * 40  # 240 characters
    response = get(client, q)
    assert response.status_code == 200 and response.context["results"] is None
    html = response.content.decode()
    assert f"a search can be at most {MAX_QUERY_CHARS}" in html
    assert "<mark>" not in html
    assert len(get(client, "zebra" + " " * 150 + "crossing").context["results"].hits) == 1


def test_query_with_a_nul_character(client, owner, apollo_plan):
    client.force_login(owner)
    assert len(get(client, "zeb\x00ra").context["results"].hits) == 1


def test_a_long_run_of_minus_signs_is_answered(client, owner, apollo_plan):
    """Each "-" is a NOT to PostgreSQL's websearch parser; sixty overflowed its stack (500)."""
    client.force_login(owner)
    for q in ("-" * 60, "- " * 90, "zebra " + "-" * 60 + " crossing"):
        assert get(client, q).status_code == 200
    # An even run cancels out, an odd one is one NOT (as the parser reads them).
    assert len(get(client, "zebra " + "-" * 60 + "zebra").context["results"].hits) == 1


def test_results_are_limited(client, owner, project):
    for number in range(MAX_RESULTS + 1):
        make_plan(project, author=owner, text=f"# Walrus plan {number}\n")
    client.force_login(owner)
    response = get(client, "walrus")
    assert len(response.context["results"].hits) == MAX_RESULTS
    html = response.content.decode()
    assert f"More than {MAX_RESULTS} results" in html
    assert f"Showing the best {MAX_RESULTS}" in html


def test_search_function_says_when_there_is_more(owner, apollo_plan):
    results = search(owner, "rollback", limit=1)
    assert len(results.hits) == 1 and results.more
    assert not search(owner, "rollback", limit=2).more


def test_constant_number_of_queries(client, owner, project, reviewer):
    def make(count):
        for number in range(count):
            plan = make_plan(project, author=owner, text=PLAN_TEXT + f"\nnumber {number}\n")
            Comment.objects.create(
                section=plan.sections.get(heading="Risks"), author=reviewer, body="rollback?"
            )

    client.force_login(owner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = get(client, "rollback")
        assert response.context["results"].hits
        return len(captured)

    make(3)
    few = queries()
    make(27)
    assert queries() == few
    assert few <= 6  # session, user, the top bar's unread count, then one query per kind


def test_queries_stay_the_same_with_ten_times_the_matches_elsewhere(
    client, owner, project, apollo_plan
):
    """Six queries (session, user, the top bar's unread count, one per kind) whether "rollback"
    matches 2 sections or 10x as many more, in the reader's projects and in another one."""
    stranger = make_user("stranger")
    other = make_project(owner=stranger, slug="hermes", name="Hermes")
    client.force_login(owner)

    def queries() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            response = get(client, "rollback")
        return len(captured), [hit.url for hit in response.context["results"].hits]

    count, urls = queries()
    assert count == 6 and len(urls) == 2
    for _ in range(10):
        make_plan(project, author=owner, text=PLAN_TEXT)
        make_plan(other, author=stranger, text=PLAN_TEXT)
    more_count, more_urls = queries()
    assert more_count == count
    assert len(more_urls) == 22 and all("/p/apollo/" in url for url in more_urls)


def test_max_queries(client, owner, project, django_assert_max_num_queries):
    for _ in range(30):
        make_plan(project, author=owner, text=PLAN_TEXT)
    client.force_login(owner)
    with django_assert_max_num_queries(6):  # +1: the top bar's unread count
        results = get(client, "rollback").context["results"]
    assert len(results.hits) == MAX_RESULTS and results.more  # 60 sections match


# --- PostgreSQL: full text search -------------------------------------------------------------


@pytest.mark.postgres
def test_title_ranks_above_heading_above_text(client, owner, project):
    body_only = make_plan(project, author=owner, text="# Plan one\n\n## A\n\nthe otter swims\n")
    heading = make_plan(project, author=owner, text="# Plan two\n\n## Otter care\n\ntext\n")
    title = make_plan(project, author=owner, text="# Otter plan\n\n## B\n\ntext\n")
    body_only.touch()  # the most recent: rank, not recency, decides
    client.force_login(owner)
    hits = get(client, "otter").context["results"].hits
    assert [(h.kind, h.plan) for h in hits] == [
        ("plan", title),
        ("section", heading),
        ("section", body_only),
    ]


@pytest.mark.postgres
def test_a_title_ranks_above_text_repeating_the_word(client, owner, project):
    many = make_plan(project, author=owner, text="# Plan\n\n## A\n\n" + "otter " * 50 + "\n")
    title = make_plan(project, author=owner, text="# Otter plan\n\n## B\n\ntext\n")
    Comment.objects.create(section=many.sections.get(heading="A"), author=owner, body="otter")
    client.force_login(owner)
    hits = get(client, "otter").context["results"].hits
    assert [h.kind for h in hits] == ["plan", "section", "comment"]
    assert hits[0].plan == title


@pytest.mark.postgres
def test_full_text_stems_and_understands_web_syntax(client, owner, apollo_plan):
    client.force_login(owner)
    assert len(get(client, "rollbacks").context["results"].hits) == 2  # stemmed
    assert [h.title for h in get(client, "rollback -hour").context["results"].hits] == [
        "<mark>Rollback</mark> strategy"
    ]
    assert len(get(client, '"lights fail"').context["results"].hits) == 1
    assert len(get(client, '"fail lights"').context["results"].hits) == 0
    assert len(get(client, "giraffe or wardens").context["results"].hits) == 1
    html = page(client, "wardens")
    assert "<mark>wardens</mark>" in html


@pytest.mark.postgres
def test_headline_sentinels_in_user_text_are_not_marks(client, owner, project):
    make_plan(project, author=owner, text="# P\n\n## A\n\n\ue000zebra\ue001 \ue001 x \ue000\n")
    client.force_login(owner)
    html = page(client, "zebra")
    assert html.count("<mark>") == html.count("</mark>") == 1
    assert "\ue000<mark>zebra</mark>\ue001 \ue001 x \ue000" in html  # shown as the user wrote it
