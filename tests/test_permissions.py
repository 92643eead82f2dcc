"""The role matrix: every project URL x every role (and an outsider, and anonymous)."""

import pytest
from django.urls import reverse

from planhub.projects.models import Membership

ROLES = ["owner", "editor", "reviewer", "viewer", "outsider"]
WRITERS = {"owner", "editor"}
MANAGERS = {"owner"}


@pytest.fixture
def urls(project, plan, viewer):
    section = plan.sections.get(heading="Overview")
    target = Membership.objects.get(project=project, user=viewer)
    args = [project.slug, plan.pk]
    return {
        "plan_new": reverse("plan_new", args=[project.slug]),
        "section": reverse("section_detail", args=[*args, section.pk]),
        "section_edit": reverse("section_edit", args=[*args, section.pk]),
        "section_preview": reverse("section_preview", args=[*args, section.pk]),
        "members": reverse("members", args=[project.slug]),
        "member_role": reverse("member_role", args=[project.slug, target.pk]),
        "member_remove": reverse("member_remove", args=[project.slug, target.pk]),
        "project": reverse("project_detail", args=[project.slug]),
        "plan": reverse("plan_detail", args=args),
        "outline": reverse("plan_outline", args=args),
        "export_md": reverse("export_md", args=args),
        "section_version": section.version,
        "template": __import__("tests.factories").factories.builtin_template().pk,
    }


def write_requests(urls):
    """(name, method, url, data, roles allowed) for every URL that changes something."""
    return [
        ("plan_new_form", "get", urls["plan_new"], None, WRITERS),
        (
            "plan_new",
            "post",
            urls["plan_new"],
            {"template": urls["template"], "placeholder_0": "Matrix"},
            WRITERS,
        ),
        (
            "section_save",
            "post",
            urls["section"],
            {"heading": "Overview", "body": "changed", "version": urls["section_version"]},
            WRITERS,
        ),
        ("section_edit", "get", urls["section_edit"], None, WRITERS),
        ("section_preview", "post", urls["section_preview"], {"body": "*hi*"}, WRITERS),
        ("member_add", "post", urls["members"], {"username": "newbie", "role": "viewer"}, MANAGERS),
        ("member_role", "post", urls["member_role"], {"role": "editor"}, MANAGERS),
        ("member_remove", "post", urls["member_remove"], {}, MANAGERS),
    ]


WRITE_NAMES = [
    "plan_new_form",
    "plan_new",
    "section_save",
    "section_edit",
    "section_preview",
    "member_add",
    "member_role",
    "member_remove",
]
READ_NAMES = ["project", "plan", "outline", "section", "members", "export_md"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", WRITE_NAMES)
def test_write_matrix(client, members, urls, role, name):
    from tests.factories import make_user

    make_user("newbie")
    _, method, url, data, allowed = next(r for r in write_requests(urls) if r[0] == name)
    client.force_login(members[role])
    response = getattr(client, method)(url, data or {})
    if role == "outsider":
        assert response.status_code == 404
    elif role in allowed:
        assert response.status_code in (200, 302), response.content[:500]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", READ_NAMES)
def test_read_matrix(client, members, urls, role, name):
    client.force_login(members[role])
    response = client.get(urls[name])
    assert response.status_code == (404 if role == "outsider" else 200)


@pytest.mark.parametrize("name", WRITE_NAMES + READ_NAMES)
def test_anonymous_is_sent_to_login(client, urls, name):
    url = next((r[2] for r in write_requests(urls) if r[0] == name), None) or urls[name]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_forbidden_write_changes_nothing(client, members, urls, plan):
    client.force_login(members["viewer"])
    client.post(urls["section"], {"heading": "Hacked", "body": "x", "version": 1})
    assert plan.sections.filter(heading="Hacked").count() == 0
    assert plan.sections.get(heading="Overview").version == 1


def test_objects_of_another_project_are_404(client, owner, plan):
    from tests.factories import make_plan, make_project

    other = make_project(owner=owner, slug="other")
    section = plan.sections.first()
    # A plan of project A addressed through project B (where the user is also owner).
    assert client.get(reverse("plan_detail", args=[other.slug, plan.pk])).status_code == 302
    client.force_login(owner)
    assert client.get(reverse("plan_detail", args=[other.slug, plan.pk])).status_code == 404
    other_plan = make_plan(other, author=owner)
    url = reverse("section_detail", args=[plan.project.slug, other_plan.pk, section.pk])
    assert client.get(url).status_code == 404


def test_csrf_is_enforced_on_htmx_posts(members, urls):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(members["editor"])
    data = {"heading": "Overview", "body": "x", "version": urls["section_version"]}
    assert client.post(urls["section"], data, HTTP_HX_REQUEST="true").status_code == 403
    page = client.get(urls["plan"])
    token = page.cookies["csrftoken"].value
    assert 'hx-headers=\'{"x-csrftoken": "' in page.content.decode()
    response = client.post(urls["section"], data, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
