"""The whole-plan diff page: ?from=<version|working>&to=<version|working>."""

from django.urls import reverse

from planhub.plans.restructuring import add_section_after

from .conftest import freeze


def url(plan, query=""):
    return reverse("version_compare", args=[plan.project.slug, plan.pk]) + query


def test_empty_state_without_versions(client, viewer, draft):
    client.force_login(viewer)
    response = client.get(url(draft))
    assert response.status_code == 200
    assert "No version frozen yet" in response.content.decode()


def test_version_against_the_working_copy(client, owner, editor, viewer, approved):
    version = freeze(approved, owner)
    scope = approved.sections.get(heading="Scope")
    scope.plan = approved
    scope.save_edit(
        author=editor,
        heading="Scope",
        body="\nWe move card and bank payments to the new provider.\n\n",
        base_version=1,
    )
    add_section_after(scope, editor)

    client.force_login(viewer)
    html = client.get(url(approved, f"?from={version.pk}&to=working")).content.decode()
    assert "v1.0 → working copy" in html
    assert "1 added · 0 removed · 0 moved · 1 changed" in html
    assert 'card<ins><span class="visually-hidden">[added: </span> and bank<span' in html
    assert "diff-tag-changed" in html and "diff-tag-added" in html


def test_default_is_the_latest_version_against_the_working_copy(client, owner, approved):
    freeze(approved, owner, name="v1.0")
    client.force_login(owner)
    html = client.get(url(approved)).content.decode()
    assert "v1.0 → working copy" in html
    assert "No differences" in html


def test_two_versions(client, owner, reviewer, editor, approved):
    from .conftest import approve_everything

    first = freeze(approved, owner, name="v1.0")
    risks = approved.sections.get(heading="Risks")
    risks.plan = approved
    risks.save_edit(author=editor, heading="Risks", body="\nNone left.\n\n", base_version=1)
    approve_everything(approved, reviewer=reviewer, owner=owner)
    second = freeze(approved, owner, name="v1.1")
    client.force_login(owner)
    html = client.get(url(approved, f"?from={first.pk}&to={second.pk}")).content.decode()
    assert "v1.0 → v1.1" in html
    assert "0 added · 0 removed · 0 moved · 1 changed" in html


def test_bad_sides_are_400_with_the_input_kept(client, owner, approved):
    freeze(approved, owner)
    client.force_login(owner)
    response = client.get(url(approved, "?from=12345678&to="))
    html = response.content.decode()
    assert response.status_code == 400
    assert "From: “12345678” is not a version of this plan" in html
    assert "To: Choose a version or the working copy." in html
    assert '<option value="12345678" selected>' in html


def test_another_plans_version_is_not_a_side(client, owner, approved, project):
    from tests.factories import make_plan

    other = make_plan(project, author=owner, text="# Other\n")
    version = freeze(approved, owner)
    client.force_login(owner)
    response = client.get(url(other, f"?from={version.pk}&to=working"))
    assert response.status_code == 400
    assert "is not a version of this plan" in response.content.decode()


def test_compare_queries_do_not_grow_with_sections(
    client, owner, approved, django_assert_max_num_queries
):
    version = freeze(approved, owner)
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        assert client.get(url(approved, f"?from={version.pk}&to=working")).status_code == 200
