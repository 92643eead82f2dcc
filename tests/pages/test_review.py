"""Review mode: the page (ordering, diffs, empty state, read-only), a decision from it (HTMX
and not, refusals in place) and "Approve all I have read" (confirmation, then the decisions)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planhub.reviews.models import SectionDecision
from tests.factories import make_plan

HX = {"HTTP_HX_REQUEST": "true"}
TEXT = "# Plan\n\n## Scope\n\nwe build the thing\n\n## Risks\n\nnone known\n\n## Tasks\n\ndo it\n"


def url(plan, name="plan_review", *extra):
    return reverse(name, args=[plan.project.slug, plan.pk, *extra])


def sections(plan):
    return {s.heading: s for s in plan.sections.all()}


def test_waiting_sections_come_first_and_the_rest_is_collapsed(client, reviewer, written):
    s = sections(written)
    SectionDecision.record(section=s["Risks"], reviewer=reviewer, decision="approved", version=2)
    client.force_login(reviewer)
    html = client.get(url(written)).content.decode()
    waiting, rest = html.split("The rest (1)")
    assert "3 sections wait for your decision" in html
    assert waiting.index(">Plan<") < waiting.index(">Scope<") < waiting.index(">Tasks<")
    assert ">Risks<" not in waiting and ">Risks<" in rest
    assert '<details class="review-text">' in rest


def test_first_review_diffs_against_the_template_text(client, reviewer, project, owner, editor):
    plan = make_plan(project, owner)  # the feature plan template
    section = plan.sections.exclude(guidance="").first()
    section.plan = plan
    body = section.body.replace("[", "FILLED [", 1)
    section.save_edit(author=editor, heading=section.heading, body=body, base_version=1)
    client.force_login(reviewer)
    html = client.get(url(plan)).content.decode()
    assert "Changes since the template&#x27;s text" in html
    assert '<ins><span class="visually-hidden">[added: </span> FILLED' in html


def test_a_changed_section_shows_the_diff_since_my_decision(client, reviewer, editor, written):
    scope = sections(written)["Scope"]
    SectionDecision.record(section=scope, reviewer=reviewer, decision="approved", version=2)
    scope.save_edit(
        author=editor, heading="Scope", body="we build the other thing\nmore\n", base_version=2
    )
    client.force_login(reviewer)
    html = client.get(url(written)).content.decode()
    card = html[html.index(f'id="review-section-{scope.pk}"') :]
    card = card[: card.index("</section>")]
    assert "Approved before the last edit (stale)" in card
    assert "Changes since version 2, your last decision" in card
    assert "[added: </span>other" in card
    assert "Approve version 3" in card


def test_empty_state_names_the_plan_status(client, reviewer, written):
    for s in written.sections.all():
        SectionDecision.record(section=s, reviewer=reviewer, decision="approved", version=2)
    client.force_login(reviewer)
    html = client.get(url(written)).content.decode()
    assert "Nothing waits for your decision. The plan is in review" in html
    assert "approve-read-form" not in html


def test_viewers_and_editors_read_without_controls(client, viewer, editor, written):
    for user in (viewer, editor):
        client.force_login(user)
        html = client.get(url(written)).content.decode()
        assert "reviewers and owners decide" in html
        assert "review-mode-form" not in html and "data-read-box" not in html


def test_own_text_and_placeholders_have_no_approve_button(client, editor, project, owner):
    from planhub.projects.models import Membership

    Membership.objects.filter(user=editor).update(role="reviewer")
    plan = make_plan(project, owner, text="# P\n\n## Mine\n\ntext\n\n## Open\n\n[Fill me]\n")
    mine = plan.sections.get(heading="Mine")
    mine.plan = plan
    mine.save_edit(author=editor, heading="Mine", body="my text\n", base_version=1)
    client.force_login(editor)
    html = client.get(url(plan)).content.decode()
    assert "You wrote this version: another reviewer approves it." in html
    assert "Not ready for approval: 1 placeholder still to fill" in html
    assert html.count("data-approve>") == 1  # the title section only


def test_query_count_does_not_grow_with_sections(client, reviewer, project, owner, editor):
    def count(n):
        text = "# P\n\n" + "".join(f"## S{i}\n\nbody {i}\n\n" for i in range(n))
        plan = make_plan(project, owner, text=text)
        for s in list(plan.sections.all())[: n // 2]:
            s.plan = plan
            s.save_edit(author=editor, heading=s.heading, body="new body\n", base_version=1)
            SectionDecision.record(section=s, reviewer=reviewer, decision="approved", version=2)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(plan)).status_code == 200
        return len(queries)

    client.force_login(reviewer)
    assert count(4) == count(24)


def test_htmx_decision_answers_the_card_and_the_summary(client, reviewer, written):
    scope = sections(written)["Scope"]
    client.force_login(reviewer)
    response = client.post(
        url(written, "review_decide", scope.pk), {"decision": "approved", "version": 2}, **HX
    )
    assert response.status_code == 200
    assert "reviewChanged" in response["HX-Trigger"]
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="review-section-{scope.pk}"')
    assert "3 sections wait for your decision" in html and 'hx-swap-oob="true"' in html
    assert "Approved “Scope”." in html  # said to screen readers
    assert SectionDecision.objects.get().version == 2


def test_decision_without_htmx_redirects_back(client, reviewer, written):
    scope = sections(written)["Scope"]
    client.force_login(reviewer)
    response = client.post(
        url(written, "review_decide", scope.pk), {"decision": "approved", "version": 2}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/review/#review-section-{scope.pk}")


def test_changed_meanwhile_is_refused_in_place_with_the_new_diff(client, reviewer, editor, written):
    scope = sections(written)["Scope"]
    scope.save_edit(author=editor, heading="Scope", body="brand new words\n", base_version=2)
    client.force_login(reviewer)
    response = client.post(
        url(written, "review_decide", scope.pk),
        {"decision": "changes_requested", "version": 2, "comment": "keep me"},
        **HX,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "This section changed while you were reading it (now version 3)" in html
    assert "brand new" in html and "keep me" in html and "Approve version 3" in html
    assert not SectionDecision.objects.exists()


def test_bad_decision_is_422_and_keeps_the_comment(client, reviewer, written):
    scope = sections(written)["Scope"]
    client.force_login(reviewer)
    response = client.post(
        url(written, "review_decide", scope.pk),
        {"decision": "maybe", "version": "x", "comment": "my words"},
        **HX,
    )
    assert response.status_code == 422
    assert "my words" in response.content.decode()


def test_approve_read_asks_first_then_approves_each_version(client, reviewer, written):
    s = sections(written)
    shown = [f"{s['Scope'].pk}:2", f"{s['Tasks'].pk}:2"]
    client.force_login(reviewer)
    confirm = client.post(url(written, "review_approve_read"), {"section": shown})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Scope" in html and "version 2" in html and not SectionDecision.objects.exists()
    done = client.post(
        url(written, "review_approve_read"), {"section": shown, "confirm": "1"}, follow=True
    )
    assert "Approved 2 sections." in done.content.decode()
    assert sorted(SectionDecision.objects.values_list("section__heading", "version")) == [
        ("Scope", 2),
        ("Tasks", 2),
    ]


def test_approve_read_lists_what_changed_since_it_was_shown(client, reviewer, editor, written):
    s = sections(written)
    s["Scope"].save_edit(author=editor, heading="Scope", body="changed\n", base_version=2)
    client.force_login(reviewer)
    shown = [f"{s['Scope'].pk}:2", f"{s['Tasks'].pk}:2"]
    page = client.post(
        url(written, "review_approve_read"), {"section": shown, "confirm": "1"}, follow=True
    )
    html = page.content.decode()
    assert "Approved 1 section." in html
    assert "Not approved: “Scope” (version 2): This section changed while you were reading" in html
    assert list(SectionDecision.objects.values_list("section__heading", flat=True)) == ["Tasks"]


@pytest.mark.parametrize("value", ["abc", "12", "1:x", ":3", "1:-2", "9" * 40 + ":1", "1:2:3"])
def test_garbage_sections_are_400_naming_the_parameter(client, reviewer, written, value):
    client.force_login(reviewer)
    response = client.post(url(written, "review_approve_read"), {"section": value, "confirm": "1"})
    assert response.status_code == 400
    assert b"section" in response.content
    assert not SectionDecision.objects.exists()


def test_nothing_ticked_says_so(client, reviewer, written):
    client.force_login(reviewer)
    response = client.post(url(written, "review_approve_read"), {"confirm": "1"}, follow=True)
    assert "Tick “I have read this”" in response.content.decode()


def test_another_plans_section_is_not_approved(client, reviewer, written, project, owner):
    other = make_plan(project, owner, text="# Other\n\n## X\n\nx\n")
    x = other.sections.get(heading="X")
    client.force_login(reviewer)
    page = client.post(
        url(written, "review_approve_read"), {"section": f"{x.pk}:1", "confirm": "1"}, follow=True
    )
    assert "It is no longer in this plan." in page.content.decode()
    assert not SectionDecision.objects.exists()


def test_refusal_without_htmx_is_the_whole_page_with_the_notice(client, reviewer, editor, written):
    scope = sections(written)["Scope"]
    scope.save_edit(author=editor, heading="Scope", body="brand new words\n", base_version=2)
    client.force_login(reviewer)
    response = client.post(
        url(written, "review_decide", scope.pk), {"decision": "approved", "version": 2}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "<h1>Review:" in html and "now version 3" in html


def test_a_section_of_another_plan_is_not_found(client, reviewer, written, project, owner):
    other = make_plan(project, owner, text="# Other\n\n## X\n\nx\n").sections.get(heading="X")
    client.force_login(reviewer)
    response = client.post(
        url(written, "review_decide", other.pk), {"decision": "approved", "version": 1}
    )
    assert response.status_code == 404
    assert not SectionDecision.objects.exists()


def test_the_plan_page_links_to_review_mode_with_the_count(client, reviewer, viewer, written):
    client.force_login(reviewer)
    html = client.get(written.get_absolute_url()).content.decode()
    assert "Review: 4 sections wait for you" in html
    client.force_login(viewer)
    assert "Review mode</a>" in client.get(written.get_absolute_url()).content.decode()


def test_a_kept_diff_follows_every_edit_and_is_shared(client, reviewer, editor, written):
    """Diffs are kept under a hash of both texts (reviews/review_mode.py): an edit is a new
    pair, so the page never shows the diff of an earlier text."""
    from planhub.reviews import review_mode

    scope = sections(written)["Scope"]
    client.force_login(reviewer)
    card = _card(client.get(url(written)).text, scope)
    assert "more<span" in card and "Approve version 2" in card
    scope.save_edit(
        author=editor, heading="Scope", body="we ship the thing\nfast\n", base_version=2
    )
    card = _card(client.get(url(written)).text, scope)
    assert "[added: </span>ship" in card and "more<span" not in card
    assert "Approve version 3" in card
    # A second reader comparing the same texts reads the kept diff: nothing is computed.
    computed = []
    real = review_mode.word_diff
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(review_mode, "word_diff", lambda *a: computed.append(a) or real(*a))
        assert client.get(url(written)).status_code == 200
    assert computed == []


def _card(html: str, section) -> str:
    card = html[html.index(f'id="review-section-{section.pk}"') :]
    return card[: card.index("</section>")]
