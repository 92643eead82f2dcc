"""Approving or requesting changes on a section: the HTMX answer, races, refusals, bad input."""

import pytest

from planhub.reviews.models import SectionDecision
from tests.reviews.conftest import HX, section_url


def test_htmx_approve_returns_the_section_with_its_badge(client, reviewer, section):
    client.force_login(reviewer)
    response = client.post(
        section_url(section, "section_decide"),
        {"decision": "approved", "version": 2, "comment": "Clear."},
        **HX,
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == f'{{"reviewChanged": {{"section": {section.pk}}}}}'
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="section-{section.pk}"')
    assert "status-approved" in html and "rita approved version 2" in html and "Clear." in html


def test_approval_racing_an_edit_is_409_and_records_nothing(client, reviewer, editor, section):
    client.force_login(reviewer)
    section.save_edit(author=editor, heading="Overview", body="Changed again", base_version=2)
    response = client.post(
        section_url(section, "section_decide"), {"decision": "approved", "version": 2}, **HX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "This section changed while you were reading it (now version 3)" in html
    assert "Changed again" in html
    assert not SectionDecision.objects.exists()


def test_self_approval_is_refused_with_a_reason(client, editor, section, project):
    from planhub.projects.models import Membership

    Membership.objects.filter(user=editor).update(role="reviewer")
    client.force_login(editor)
    response = client.post(
        section_url(section, "section_decide"), {"decision": "approved", "version": 2}, **HX
    )
    assert response.status_code == 403
    assert "You wrote this version of the section" in response.content.decode()
    html = client.get(section.plan.get_absolute_url()).content.decode()
    assert "You wrote this version: another reviewer approves it." in html


def test_bad_review_input_is_422(client, reviewer, section):
    client.force_login(reviewer)
    response = client.post(
        section_url(section, "section_decide"),
        {"decision": "maybe", "version": 2, "comment": "keep me"},
        **HX,
    )
    assert response.status_code == 422
    assert 'value="keep me"' in response.content.decode()


@pytest.mark.parametrize("version", ["٢", "²", "9" * 400, "-2"])
def test_review_on_a_malformed_version_is_422_and_records_nothing(
    client, reviewer, section, version
):
    """int("٢") is 2: a version in Arabic-Indic digits was taken for the section's version."""
    client.force_login(reviewer)
    data = {"decision": "approved", "version": version, "comment": "keep me"}
    response = client.post(section_url(section, "section_decide"), data, **HX)
    assert response.status_code == 422 and 'value="keep me"' in response.content.decode()
    assert not SectionDecision.objects.exists()


def test_decide_queries(client, reviewer, section, django_assert_max_num_queries):
    client.force_login(reviewer)
    # +3: the ledger entry; +1: the "changed since" mark; +1: anchor; +1: the draft's banner;
    # -2: the plan read with the section, the writers checked for the approval not read again;
    # -2: no search for the sign-off list, which this section's text cannot hold
    with django_assert_max_num_queries(17):
        response = client.post(
            section_url(section, "section_decide"), {"decision": "approved", "version": 2}, **HX
        )
    assert response.status_code == 200
    assert SectionDecision.objects.filter(section=section, reviewer=reviewer).exists()


def test_the_answer_to_an_approval_shows_it_with_the_writers_checked(client, owner, section):
    """The writers read under the lock to check the approval serve the answer's review bar:
    the approver sees their approval, not an approve button or a self-approval note."""
    client.force_login(owner)
    response = client.post(
        section_url(section, "section_decide"), {"decision": "approved", "version": 2}, **HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "You approved this version" in html and "You wrote this version" not in html
