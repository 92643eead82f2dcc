from django.urls import reverse

from planhub.baselines.models import PlanVersion

from .conftest import freeze


def test_frozen_text_with_banner_decisions_and_signoffs(client, owner, editor, approved):
    version = freeze(approved, owner, note="Signed by the board")
    scope = approved.sections.get(heading="Scope")
    scope.plan = approved
    scope.save_edit(author=editor, heading="Scope", body="Rewritten later.\n", base_version=1)

    client.force_login(editor)
    response = client.get(version.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Frozen version v1.0</strong>, frozen by olivia on" in html
    assert "Signed by the board" in html
    assert "We move card payments to the new provider." in html
    assert "Rewritten later." not in html
    assert "rita approved" in html
    assert version.content_hash in html
    assert "Plan approval" in html  # the sign-off that counted


def test_another_plans_version_is_404(client, owner, approved, project):
    from tests.factories import make_plan

    other = make_plan(project, author=owner, text="# Other\n")
    version = freeze(approved, owner)
    client.force_login(owner)
    url = reverse("version_detail", args=[project.slug, other.pk, version.pk])
    assert client.get(url).status_code == 404
    assert PlanVersion.objects.count() == 1
