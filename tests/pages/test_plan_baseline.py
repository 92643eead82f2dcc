"""The plan page once a version is frozen: two statuses, "changed since v1.0" on the sections
edited since (heading and outline), a link to the versions."""

import re

from django.urls import reverse

from planhub.plans.restructuring import add_section_after
from tests.baselines.conftest import PLAN_TEXT, approve_everything, freeze
from tests.factories import make_plan

HX = {"HTTP_HX_REQUEST": "true"}


def marks(html: str) -> list[str]:
    return re.findall(r'class="baseline-mark[^"]*"[^>]*>([^<]+)<', html)


def test_no_version_no_marks_but_a_versions_link(client, owner, project):
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    client.force_login(owner)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert reverse("versions", args=[project.slug, plan.pk]) in html
    assert "baseline-statuses" not in html
    assert marks(html) == []


def test_two_statuses_and_marks_after_an_edit(client, owner, reviewer, editor, viewer, project):
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    approve_everything(plan, reviewer=reviewer, owner=owner)
    freeze(plan, owner, name="v1.0")
    client.force_login(viewer)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "v1.0 approved" in html
    assert "working copy: approved" in html
    assert "No change since v1.0" in html
    assert marks(html) == []

    scope = plan.sections.get(heading="Scope")
    scope.plan = plan
    scope.save_edit(author=editor, heading="Scope", body="Edited.\n", base_version=1)
    add_section_after(scope, editor)

    html = client.get(plan.get_absolute_url()).content.decode()
    assert "v1.0 approved" in html
    assert "working copy: in review" in html
    assert "1 section changed, 1 added, 0 removed since v1.0" in html
    # In the section's heading area and in the outline: twice each.
    assert sorted(marks(html)) == sorted(["changed since v1.0"] * 2 + ["new since v1.0"] * 2)
    scope_html = html[html.index(f'id="section-{scope.pk}"') :]
    assert marks(scope_html[: scope_html.index("</section>")]) == ["changed since v1.0"]

    outline = client.get(reverse("plan_outline", args=[project.slug, plan.pk]), **HX)
    assert sorted(marks(outline.content.decode())) == ["changed since v1.0", "new since v1.0"]


def test_marks_follow_the_latest_version(client, owner, reviewer, editor, project):
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    approve_everything(plan, reviewer=reviewer, owner=owner)
    freeze(plan, owner, name="v1.0")
    scope = plan.sections.get(heading="Scope")
    scope.plan = plan
    scope.save_edit(author=editor, heading="Scope", body="Edited.\n", base_version=1)
    approve_everything(plan, reviewer=reviewer, owner=owner)
    freeze(plan, owner, name="v1.1")
    client.force_login(owner)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "v1.1 approved" in html
    assert marks(html) == []


def test_plan_page_queries_with_a_version(
    client, owner, reviewer, project, django_assert_max_num_queries
):
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    approve_everything(plan, reviewer=reviewer, owner=owner)
    freeze(plan, owner)
    client.force_login(owner)
    client.get(plan.get_absolute_url())
    # The plan page's bound (tests/pages/test_plan_detail.py: 14) plus the version's two, plus
    # the drafts' banners.
    with django_assert_max_num_queries(17):
        client.get(plan.get_absolute_url())


def test_a_section_saved_in_place_shows_its_mark_at_once(client, owner, reviewer, editor, project):
    plan = make_plan(project, author=owner, text=PLAN_TEXT)
    approve_everything(plan, reviewer=reviewer, owner=owner)
    freeze(plan, owner, name="v1.0")
    scope = plan.sections.get(heading="Scope")
    section_url = reverse("section_detail", args=[project.slug, plan.pk, scope.pk])
    client.force_login(editor)
    shown = client.get(section_url, **HX).content.decode()
    assert marks(shown) == []  # as frozen

    saved = client.post(
        section_url, {"heading": "Scope", "body": "Edited in place.\n", "version": 1}, **HX
    )
    # The section swapped back in after the save says what the plan page says, without a reload.
    assert saved.status_code == 200
    assert marks(saved.content.decode()) == ["changed since v1.0"]
    new = add_section_after(plan.sections.get(pk=scope.pk), editor)
    new_url = reverse("section_detail", args=[project.slug, plan.pk, new.pk])
    assert marks(client.get(new_url, **HX).content.decode()) == ["new since v1.0"]
