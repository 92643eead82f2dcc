"""The plan page: outline, rendered sections, the controls each role sees, sign-offs, queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planhub.plans.models import Plan
from planhub.reviews.models import Comment, SectionDecision
from tests.factories import make_plan


def test_plan_page_shows_outline_and_rendered_sections(client, editor, plan):
    overview = plan.sections.get(heading="Overview")
    overview.plan = plan
    body = "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n"
    overview.save_edit(author=editor, heading="Overview", body=body, base_version=1)
    client.force_login(editor)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert 'id="outline"' in html and html.count('class="toc-level-') == 35
    assert "<h1" in html and "Implementation Plan: Test Feature Name" in html
    # Markdown rendered: a table, highlighted code, and the template's plain code block.
    assert "<table>" in html and 'class="highlight"' in html
    assert "<pre><code>[User/Client] → [Component A]" in html
    assert html.count('class="button small edit-button"') == 35


def test_viewer_sees_no_edit_controls(client, viewer, plan):
    client.force_login(viewer)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "edit-button" not in html and "data-edit-url" not in html


def test_approvals_section_shows_the_live_signoff_table(client, owner, project):

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


def test_plan_page_queries_do_not_grow_with_sections(
    client, owner, reviewer, project, django_assert_max_num_queries
):

    counts = []
    for n in (10, 100):
        text = "# T\n" + "".join(f"## S{i}\ntext [x{i}]\n" for i in range(n - 1))
        plan = Plan.create_from_markdown(project=project, text=text, author=owner)
        for s in plan.sections.all()[:3]:
            SectionDecision.objects.create(
                section=s, reviewer=reviewer, decision="approved", version=1
            )
        Comment.objects.create(section=plan.sections.last(), author=reviewer, body="x")
        client.force_login(owner)

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(plan.get_absolute_url()).status_code == 200
        counts.append(len(ctx))
        with django_assert_max_num_queries(14):
            client.get(plan.get_absolute_url())
    assert counts[0] == counts[1]


def test_archived_plan_opens_with_a_banner_and_stays_editable(client, editor, viewer, plan):
    plan.set_archived(True, editor)
    client.force_login(editor)
    html = client.get(plan.get_absolute_url()).text
    assert "<strong>Archived</strong> by eddie" in html and 'value="unarchive"' in html
    section = plan.sections.exclude(level=0).first()
    url = reverse("section_detail", args=["apollo", plan.pk, section.pk])
    data = {"heading": section.heading, "body": "Still editable.", "version": section.version}
    assert client.post(url, data).status_code == 302
    assert client.get(reverse("export_md", args=["apollo", plan.pk])).status_code == 200
    client.force_login(viewer)
    html = client.get(plan.get_absolute_url()).text
    assert "<strong>Archived</strong>" in html and 'value="unarchive"' not in html
