"""CSRF: every POST the app takes is refused (403) without a valid CSRF token, HTMX requests
included, and only the read-only JSON API is exempt. IDs: objects of another project (plan,
section, deleted section, comment thread, sign-off slot, membership, template, revision
version), addressed through a project the user owns, answer 404 and never show their data."""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from planhub.plans import restructuring
from planhub.plans.models import Plan, PlanTemplate, Section
from planhub.projects.models import Membership, Role
from planhub.reviews.models import Comment, SignOff
from planhub.reviews.status import review_plan
from tests.factories import add_member, make_project, make_user

from .conftest import World
from .test_url_matrix import EXCLUDED_NAMES, HX, TABLE, Row

CSRF_EXEMPT_ALLOWED = {
    "api_plan_status",  # GET-only JSON: every other method answers 405
    # RFC 8058 one-click unsubscribe: a mail client POSTs it with no page and no cookie; the
    # signed token in the address is the proof (tests/notifications).
    "notification_unsubscribe",
}

# --- CSRF -------------------------------------------------------------------------------------


def all_views():
    def walk(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry)
            elif isinstance(entry, URLPattern):
                yield entry.name, entry.callback

    return list(walk(get_resolver()))


def test_only_the_read_only_api_is_csrf_exempt():
    exempt = {name for name, view in all_views() if getattr(view, "csrf_exempt", False)}
    exempt = {name for name in exempt if name not in EXCLUDED_NAMES}
    assert exempt <= CSRF_EXEMPT_ALLOWED, f"views without CSRF protection: {exempt}"


# Every POST the owner may make (the URL table's POST rows the owner is not refused with 405).
POST_ROWS = [
    row
    for row in TABLE
    if row.method == "post"
    and row.auth == "session"
    and row.args is None  # another project's ids: 404 or 405 whatever the token
    and row.expected["owner"] != 405
    and row.name not in CSRF_EXEMPT_ALLOWED
]


def csrf_token(client: Client) -> str:
    client.get(reverse("dashboard"))
    return client.cookies["csrftoken"].value


def test_every_post_is_refused_without_a_csrf_token(world: World, newbie):
    """Logged in as the owner: no token, an HTMX request without its header, and a wrong token
    are all 403 (nothing runs); the same request with the page's token gets through."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["owner"])
    token = csrf_token(client)
    failures, tried = [], 0
    for row in POST_ROWS:
        attempts = {
            "no token": {},
            "htmx, no token": HX,
            "htmx, wrong token": {**HX, "HTTP_X_CSRFTOKEN": "x" * 32},
            "form field, wrong token": {"wrong_field": True},
        }
        for label, headers in attempts.items():
            with transaction.atomic():
                if headers.get("wrong_field"):
                    response = request_with(client, row, world, {"csrfmiddlewaretoken": "y" * 32})
                else:
                    response = request_with(client, row, world, {}, headers)
                transaction.set_rollback(True)
            tried += 1
            if response.status_code != 403 or b"CSRF" not in response.content:
                failures.append(f"{row.id} ({label}): {response.status_code}")
        with transaction.atomic():
            headers = {**row.headers, "HTTP_X_CSRFTOKEN": token}
            allowed = request_with(client, row, world, {}, headers)
            transaction.set_rollback(True)
        if allowed.status_code != row.expected["owner"]:
            failures.append(f"{row.id} (valid token): {allowed.status_code}")
    assert not failures, "\n".join(failures)
    assert tried == 4 * len(POST_ROWS) and len(POST_ROWS) >= 25


def request_with(client: Client, row: Row, world: World, extra_data: dict, headers=None):
    """The row's POST, with extra form data, and `headers` instead of the row's own."""
    data = {**(row.data(world) if row.data else {}), **extra_data}
    url = reverse(row.name, args=row.url_args(world))
    return client.post(url, data, **(row.headers if headers is None else headers))


@pytest.mark.parametrize("name", ["logout", "login"])
def test_auth_forms_need_a_csrf_token(members, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(members["owner"])
    data = {"username": "olivia", "password": "x"} if name == "login" else {}
    response = client.post(reverse(name), data)
    assert response.status_code == 403


def test_pages_carry_the_token_for_htmx(world: World):
    """HTMX sends the token from <body hx-headers>; a form posts it as a hidden field."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["owner"])
    html = client.get(world.plan.get_absolute_url()).content.decode()
    assert 'hx-headers=\'{"x-csrftoken": "' in html
    assert 'name="csrfmiddlewaretoken"' in html


# --- IDs of another project -------------------------------------------------------------------

SECRET = "SECRET-B"


@dataclass
class Other:
    """Project B with one of everything, every text holding SECRET."""

    plan: Plan
    section: Section
    deleted: Section
    thread: Comment
    slot: object
    membership: Membership
    template: PlanTemplate


def build_other(owner, slug: str) -> Other:
    project = make_project(owner=owner, slug=slug, name=f"{SECRET} project")
    member = make_user(f"secret-{slug}")
    membership = add_member(project, member, Role.REVIEWER)
    text = (
        f"# {SECRET} title\n\n## {SECRET} heading\n\n{SECRET} body\n\n"
        f"## {SECRET} gone\n\n{SECRET} deleted body\n\n"
        f"## Approvals\n\n- **{SECRET} slot**: [Name]\n"
    )
    plan = Plan.create_from_markdown(project=project, text=text, author=owner)
    section = plan.sections.get(heading=f"{SECRET} heading")
    section.plan = plan
    for version in range(2, 6):  # revisions B has and A's section does not
        section.save_edit(
            author=owner,
            heading=section.heading,
            body=f"{SECRET} body v{version}\n",
            base_version=version - 1,
        )
    deleted = plan.sections.get(heading=f"{SECRET} gone")
    restructuring.delete_section(deleted, owner)
    thread = Comment.objects.create(section=section, author=owner, body=f"{SECRET} comment")
    slot = plan.signoff_slots.get()
    slot.assign(owner, by=owner)
    template = PlanTemplate.create_uploaded(
        project=project, text=f"# {SECRET} template\n\n## A\n", name="", author=owner
    )
    return Other(plan, section, deleted, thread, slot, membership, template)


def foreign_cases(w: World, o: Other) -> list[tuple[str, str, str, dict]]:
    """(label, method, url, data): A's slug with B's ids, every kind of object."""
    a, ap = w.slug, w.plan.pk
    bp, bs = o.plan.pk, o.section.pk
    hash_b = review_plan(o.plan).content_hash
    cases = []
    # B's plan through A's slug.
    for name in ("plan_detail", "plan_outline", "export_md", "export_pdf", "plan_print",
                 "signoffs", "plan_activity", "live_poll"):  # fmt: skip
        cases.append((f"{name}: B's plan", "get", reverse(name, args=[a, bp]), {}))
    # B's section, in B's plan or in A's plan, through A's slug.
    section_posts = {
        "section_detail": {"heading": "x", "body": "x", "version": 5},
        "section_preview": {"body": "x"},
        "section_structure": {"action": "move_down"},
        "section_restore_version": {"version": 2, "base_version": 5},
        "section_task": {"index": 0, "done": "1", "version": 5},
        "section_decide": {"decision": "approved", "version": 5},
        "comments": {"body": "x"},
    }
    section_gets = ["section_detail", "section_edit", "section_history", "section_changes",
                    "comments"]  # fmt: skip
    for plan_label, plan_id in (("A's plan", ap), ("B's plan", bp)):
        for name in section_gets:
            url = reverse(name, args=[a, plan_id, bs])
            cases.append((f"{name}: B's section in {plan_label}", "get", url, {}))
            cases.append((f"{name} (htmx): B's section in {plan_label}", "hx-get", url, {}))
        for name, data in section_posts.items():
            url = reverse(name, args=[a, plan_id, bs])
            cases.append((f"{name} POST: B's section in {plan_label}", "post", url, data))
        url = reverse("section_restore", args=[a, plan_id, o.deleted.pk])
        cases.append((f"section_restore: B's deleted section in {plan_label}", "post", url, {}))
        url = reverse("section_restore_with_text", args=[a, plan_id, o.deleted.pk])
        data = {"heading": "x", "body": "x", "version": 1}
        label = f"section_restore_with_text: B's deleted section in {plan_label}"
        cases.append((label, "post", url, data))
        url = reverse("comment_resolve", args=[a, plan_id, o.thread.pk])
        cases.append((f"comment_resolve: B's thread in {plan_label}", "post", url, {}))
        # B's thread is written by the owner of both projects: only A's address is wrong.
        url = reverse("comment_edit", args=[a, plan_id, o.thread.pk])
        cases.append((f"comment_edit: B's thread in {plan_label}", "get", url, {}))
        cases.append((f"comment_edit POST: B's thread in {plan_label}", "post", url, {"body": "x"}))
        url = reverse("comment_delete", args=[a, plan_id, o.thread.pk])
        cases.append((f"comment_delete: B's thread in {plan_label}", "post", url, {}))
        url = reverse("signoff_assign", args=[a, plan_id, o.slot.pk])
        cases.append((f"signoff_assign: B's slot in {plan_label}", "post", url, {"assignee": ""}))
        url = reverse("signoff_decide", args=[a, plan_id, o.slot.pk])
        data = {"decision": "signed", "content_hash": hash_b}
        cases.append((f"signoff_decide: B's slot in {plan_label}", "post", url, data))
    # B's plan archived or saved as a template, B's template previewed or archived, through A.
    url = reverse("plan_archive", args=[a, bp])
    cases.append(("plan_archive: B's plan", "post", url, {"action": "archive"}))
    url = reverse("plan_save_as_template", args=[a, bp])
    cases.append(("plan_save_as_template: B's plan", "get", url, {}))
    cases.append(("plan_save_as_template POST: B's plan", "post", url, {"name": "stolen"}))
    url = reverse("template_detail", args=[a, o.template.pk])
    cases.append(("template_detail: B's template", "get", url, {}))
    url = reverse("template_archive", args=[a, o.template.pk])
    cases.append(("template_archive: B's template", "post", url, {"action": "archive"}))
    # B's thread as the parent of a reply on A's section.
    url = reverse("comments", args=[a, ap, w.section.pk])
    cases.append(("reply to B's thread", "post", url, {"body": "x", "parent": o.thread.pk}))
    # B's membership through A's member pages.
    for name, data in (("member_role", {"role": "owner"}), ("member_remove", {})):
        url = reverse(name, args=[a, o.membership.pk])
        cases.append((f"{name}: B's membership", "post", url, data))
    # A's section at versions only B's section has.
    url = reverse("section_restore_version", args=[a, ap, w.section.pk])
    cases.append(
        ("section_restore_version: a version A's section lacks", "post", url, {"version": 5})
    )
    return cases


def assert_foreign_ids_are_404(client: Client, world: World, other: Other) -> int:
    failures = []
    cases = foreign_cases(world, other)
    for label, method, url, data in cases:
        with transaction.atomic():
            if method == "hx-get":
                response = client.get(url, **HX)
            else:
                response = getattr(client, method)(url, data)
            transaction.set_rollback(True)
        if response.status_code != 404:
            failures.append(f"{label}: {response.status_code}")
        if SECRET.encode() in response.content:
            failures.append(f"{label}: the page shows B's data")
    assert not failures, "\n".join(failures)
    return len(cases)


def test_another_projects_ids_through_my_project_are_404(world: World):
    """B belongs to the same owner (who may see it at its own address): never through A's."""
    other = build_other(world.users["owner"], "bravo")
    client = Client()
    client.force_login(world.users["owner"])
    assert assert_foreign_ids_are_404(client, world, other) >= 50
    # B's objects stay as they were.
    other.section.refresh_from_db()
    assert other.section.version == 5
    assert Section.all_objects.get(pk=other.deleted.pk).deleted_at is not None
    assert not SignOff.objects.filter(slot=other.slot).exists()
    assert Membership.objects.get(pk=other.membership.pk).role == Role.REVIEWER
    other.plan.refresh_from_db()
    other.template.refresh_from_db()
    assert other.plan.archived_at is None and other.template.archived_at is None
    assert not PlanTemplate.objects.filter(name="stolen").exists()


def test_a_stranger_projects_ids_are_404(world: World):
    """B belongs to someone else: the same answers (nothing tells the two apart)."""
    other = build_other(make_user("stranger"), "charlie")
    client = Client()
    client.force_login(world.users["owner"])
    assert assert_foreign_ids_are_404(client, world, other) >= 50
    api = client.get(reverse("api_plan_status", args=[other.plan.pk]))
    assert api.status_code == 404 and SECRET.encode() not in api.content


def test_revision_versions_of_another_section_never_show(world: World):
    """The diff takes versions by number, of this section only: B's versions 3..5 (A's section
    has 1..2) never show B's text."""
    other = build_other(world.users["owner"], "delta")
    client = Client()
    client.force_login(world.users["owner"])
    url = reverse("section_changes", args=[world.slug, world.plan.pk, world.section.pk])
    for query in ("?since=4", "?since=1&to=5", f"?since={other.section.pk}", "?to=3"):
        response = client.get(url + query)
        assert response.status_code in (200, 404), query
        assert SECRET.encode() not in response.content, query


def test_another_projects_template_is_not_offered(world: World):
    other = build_other(world.users["owner"], "echo")
    client = Client()
    client.force_login(world.users["owner"])
    url = reverse("plan_new", args=[world.slug])
    chooser = client.get(url)
    assert chooser.status_code == 200 and SECRET.encode() not in chooser.content
    probe = client.get(f"{url}?template={other.template.pk}")
    assert probe.status_code == 404 and SECRET.encode() not in probe.content
    plans = Plan.objects.count()
    refused = client.post(url, {"template": other.template.pk, "title": "stolen"})
    assert refused.status_code == 404 and SECRET.encode() not in refused.content
    assert Plan.objects.count() == plans


def test_another_projects_template_id_is_404(world: World):
    other = build_other(world.users["owner"], "golf")
    client = Client()
    client.force_login(world.users["owner"])
    url = reverse("plan_new", args=[world.slug])
    assert client.get(f"{url}?template={other.template.pk}").status_code == 404
    assert client.post(url, {"template": other.template.pk, "title": "x"}).status_code == 404


def test_assigning_a_member_of_another_project_is_refused(world: World):
    other = build_other(world.users["owner"], "foxtrot")
    client = Client()
    client.force_login(world.users["owner"])
    url = reverse("signoff_assign", args=[world.slug, world.plan.pk, world.slot.pk])
    response = client.post(url, {"assignee": other.membership.pk}, **HX)
    assert response.status_code == 422
    assert SECRET.encode() not in response.content
    world.slot.refresh_from_db()
    assert world.slot.assignee == world.users["reviewer"]


def test_an_htmx_save_needs_the_token_from_the_page(members, plan):
    """Without the token an HTMX save is refused; with the one the page carries it saves."""
    section = plan.sections.get(heading="Overview")
    url = reverse("section_detail", args=[plan.project.slug, plan.pk, section.pk])
    client = Client(enforce_csrf_checks=True)
    client.force_login(members["editor"])
    data = {"heading": "Overview", "body": "x", "version": section.version}
    assert client.post(url, data, **HX).status_code == 403
    page = client.get(plan.get_absolute_url())
    token = page.cookies["csrftoken"].value
    assert 'hx-headers=\'{"x-csrftoken": "' in page.content.decode()
    response = client.post(url, data, **HX, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
