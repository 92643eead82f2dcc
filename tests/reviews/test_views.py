"""Review views: every rule for every role, HTMX partials, conflicts and bad input."""

import pytest
from django.urls import reverse

from planhub.reviews.models import Approval, Comment
from planhub.reviews.status import review_plan

HX = {"HTTP_HX_REQUEST": "true"}
ROLES = ["owner", "editor", "reviewer", "viewer", "outsider"]


@pytest.fixture
def section(plan, editor):
    """Overview, last written by the editor (so owner and reviewer may approve it)."""
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    section.save_edit(author=editor, heading="Overview", body="Our approach.", base_version=1)
    return section


def section_url(section, name):
    return reverse(name, args=[section.plan.project.slug, section.plan_id, section.pk])


def plan_url(plan, name, *extra):
    return reverse(name, args=[plan.project.slug, plan.pk, *extra])


def test_htmx_approve_returns_the_section_with_its_badge(client, reviewer, section):
    client.force_login(reviewer)
    response = client.post(
        section_url(section, "section_review"),
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
        section_url(section, "section_review"), {"decision": "approved", "version": 2}, **HX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "This section changed while you were reading it (now version 3)" in html
    assert "Changed again" in html
    assert not Approval.objects.exists()


def test_self_approval_is_refused_with_a_reason(client, editor, section, project):
    from planhub.projects.models import Membership

    Membership.objects.filter(user=editor).update(role="reviewer")
    client.force_login(editor)
    response = client.post(
        section_url(section, "section_review"), {"decision": "approved", "version": 2}, **HX
    )
    assert response.status_code == 403
    assert "You wrote this version of the section" in response.content.decode()
    html = client.get(section.plan.get_absolute_url()).content.decode()
    assert "You wrote this version: another reviewer approves it." in html


def test_bad_review_input_is_422(client, reviewer, section):
    client.force_login(reviewer)
    response = client.post(
        section_url(section, "section_review"),
        {"decision": "maybe", "version": 2, "comment": "keep me"},
        **HX,
    )
    assert response.status_code == 422
    assert 'value="keep me"' in response.content.decode()


def test_stale_approval_shows_what_changed(client, reviewer, editor, section):
    client.force_login(reviewer)
    client.post(section_url(section, "section_review"), {"decision": "approved", "version": 2})
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


def test_signoff_flow_and_table(client, owner, reviewer, section):
    plan = section.plan
    slot = plan.signoff_slots.get()
    membership = plan.project.memberships.get(user=reviewer)
    client.force_login(owner)
    response = client.post(
        plan_url(plan, "signoff_assign", slot.pk), {"assignee": membership.pk}, **HX
    )
    assert "rita (reviewer)</option>" in response.content.decode()
    client.force_login(reviewer)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Your decision on “Plan approval”" in html
    response = client.post(
        plan_url(plan, "signoff_decide", slot.pk),
        {"decision": "declined", "content_hash": review_plan(plan).content_hash},
        **HX,
    )
    assert response.status_code == 422
    assert "Give a reason for declining" in response.content.decode()
    response = client.post(
        plan_url(plan, "signoff_decide", slot.pk),
        {"decision": "signed", "content_hash": "0" * 64},
        **HX,
    )
    assert (
        response.status_code == 409
        and "The plan changed while you were reading it" in response.content.decode()
    )
    response = client.post(
        plan_url(plan, "signoff_decide", slot.pk),
        {"decision": "signed", "content_hash": review_plan(plan).content_hash},
        **HX,
    )
    assert response.status_code == 200 and "Signed off" in response.content.decode()


def test_assigning_a_viewer_is_refused(client, owner, viewer, plan):
    slot = plan.signoff_slots.get()
    client.force_login(owner)
    membership = plan.project.memberships.get(user=viewer)
    response = client.post(
        plan_url(plan, "signoff_assign", slot.pk), {"assignee": membership.pk}, **HX
    )
    assert response.status_code == 422 and "Choose a reviewer or owner" in response.content.decode()


def test_approvals_section_shows_the_live_signoff_table(client, owner, project):
    from tests.factories import make_plan

    plan = make_plan(project, owner, slug="technical-approach-plan")
    client.force_login(owner)
    html = client.get(plan.get_absolute_url()).content.decode()
    approvals = plan.sections.get(heading="Approvals")
    block = html[html.index(f'id="section-{approvals.pk}"') :]
    block = block[: block.index("</section>")]
    assert '<table class="signoff-table">' in block and "[Name/Role]" not in block
    for name in ["Technical Design", "Security Review", "Product Sign-off", "Launch Approval"]:
        assert f'<th scope="row">{name}</th>' in block


def test_plan_without_approvals_section_has_a_signoff_panel(client, viewer, plan):
    client.force_login(viewer)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert 'id="signoffs-heading"' in html and '<th scope="row">Plan approval</th>' in html


def test_activity_lists_every_kind_of_event(client, owner, reviewer, editor, section):
    plan = section.plan
    Approval.record(
        section=section,
        reviewer=reviewer,
        decision="changes_requested",
        version=2,
        comment="More detail",
    )
    Comment.objects.create(section=section, author=reviewer, body="See above")
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    client.force_login(editor)
    html = client.get(plan_url(plan, "plan_activity")).content.decode()
    for text in [
        "created the plan from Feature plan",
        "edited “Overview” (version 2)",
        "requested changes on “Overview” (version 2): More detail",
        "commented on “Overview”: See above",
        "assigned “Plan approval” to rita",
    ]:
        assert text in html


def test_plan_page_queries_do_not_grow_with_sections(
    client, owner, reviewer, project, django_assert_max_num_queries
):
    from planhub.plans.models import Plan

    counts = []
    for n in (10, 100):
        text = "# T\n" + "".join(f"## S{i}\ntext [x{i}]\n" for i in range(n - 1))
        plan = Plan.create_from_markdown(project=project, text=text, author=owner)
        for s in plan.sections.all()[:3]:
            Approval.objects.create(section=s, reviewer=reviewer, decision="approved", version=1)
        Comment.objects.create(section=plan.sections.last(), author=reviewer, body="x")
        client.force_login(owner)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(plan.get_absolute_url()).status_code == 200
        counts.append(len(ctx))
        with django_assert_max_num_queries(14):
            client.get(plan.get_absolute_url())
    assert counts[0] == counts[1]


def test_project_settings(client, owner, editor, project):
    url = reverse("project_settings", args=[project.slug])
    client.force_login(editor)
    assert client.get(url).status_code == 403
    client.force_login(owner)
    response = client.post(url, {"name": "Apollo", "required_approvals": 0})
    assert response.status_code == 422
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    client.post(url, {"name": "Apollo", "required_approvals": 2, "allow_self_approval": "on"})
    project.refresh_from_db()
    assert (project.required_approvals, project.allow_self_approval) == (2, True)


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


@pytest.mark.parametrize("version", ["٢", "²", "9" * 400, "-2"])
def test_review_on_a_malformed_version_is_422_and_records_nothing(
    client, reviewer, section, version
):
    """int("٢") is 2: a version in Arabic-Indic digits was taken for the section's version."""
    client.force_login(reviewer)
    data = {"decision": "approved", "version": version, "comment": "keep me"}
    response = client.post(section_url(section, "section_review"), data, **HX)
    assert response.status_code == 422 and 'value="keep me"' in response.content.decode()
    assert not Approval.objects.exists()


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


def test_malformed_resolved_flag_is_400(client, reviewer, section):
    thread = Comment.objects.create(section=section, author=reviewer, body="first")
    client.force_login(reviewer)
    response = client.post(plan_url(section.plan, "comment_resolve", thread.pk), {"resolved": "²"})
    assert response.status_code == 400 and response.content.decode().startswith("resolved: ")
    thread.refresh_from_db()
    assert not thread.is_resolved


def test_assignee_in_other_digits_is_refused(client, owner, reviewer, plan):
    slot = plan.signoff_slots.get()
    membership = plan.project.memberships.get(user=reviewer)
    other_digits = str(membership.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    client.force_login(owner)
    for value in (other_digits, "9" * 400):
        response = client.post(plan_url(plan, "signoff_assign", slot.pk), {"assignee": value}, **HX)
        assert response.status_code == 422
    slot.refresh_from_db()
    assert slot.assignee is None
