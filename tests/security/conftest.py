"""Shared objects for the security suite: one small project holding one of everything a URL
can point at (plan, sections, a deleted section, revisions, a comment thread, an assigned
sign-off slot, members, an API token per user, an uploaded template), a second project of
the same owner with its own plan, template and PDF, and a logged-in test client per role."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from planhub.api.models import ApiToken
from planhub.exports.models import PdfExport
from planhub.plans import restructuring
from planhub.plans.models import Plan, PlanTemplate, Section, SignOffSlot
from planhub.projects.models import Membership, Project
from planhub.reviews.models import Comment
from planhub.webhooks.models import Delivery, Webhook
from tests.factories import make_plan, make_project, make_user

ROLES = ["anonymous", "outsider", "viewer", "reviewer", "editor", "owner"]

PLAN_TEXT = (
    "# Security plan\n\n"
    "## Alpha\n\n- [ ] first task\n\nalpha text\n\n"
    "## Beta\n\nbeta text\n\n"
    "## Gamma\n\ngamma text\n"
)
TEMPLATE_TEXT = "# Uploaded template\n\n## Part one\n\nWrite here.\n"
FOREIGN_TEMPLATE = "Foreign template"  # the other project's template: never shown through this one


@dataclass
class World:
    users: dict[str, User]
    project: Project
    plan: Plan
    section: Section  # Alpha: version 2, last written by the editor, with a task list
    sibling: Section  # Beta
    deleted: Section  # Gamma, deleted (restorable)
    thread: Comment  # a comment thread on Alpha, by the reviewer
    slot: SignOffSlot  # assigned to the reviewer
    target: Membership  # the viewer's membership (role changes, removal)
    template: PlanTemplate  # uploaded to the project, no title placeholder
    pdf_export: PdfExport  # a PDF of the plan, ready
    elsewhere: Project  # another project of the same owner (no other member)
    foreign_plan: Plan  # a plan of `elsewhere`
    foreign_template: PlanTemplate  # uploaded to `elsewhere`
    foreign_export: PdfExport  # a PDF of `foreign_plan`, ready
    tokens: dict[str, tuple[ApiToken, str]] = field(default_factory=dict)  # role -> (token, secret)
    webhook: Webhook | None = None  # the project's webhook, with one delivery
    delivery: Delivery | None = None
    foreign_webhook: Webhook | None = None  # a webhook of `elsewhere`, with one delivery

    @property
    def slug(self) -> str:
        return self.project.slug

    @property
    def an_hour_ago(self) -> str:
        """A live poll's cursor."""
        return (timezone.now() - timedelta(hours=1)).isoformat()


def build_world(members: dict, project: Project, text: str = PLAN_TEXT) -> World:
    owner, editor, reviewer = members["owner"], members["editor"], members["reviewer"]
    plan = make_plan(project, author=owner, text=text)
    section = plan.sections.get(heading="Alpha")
    section.plan = plan
    section.save_edit(
        author=editor,
        heading="Alpha",
        body="- [ ] first task\n\nalpha text, edited\n",
        base_version=1,
    )
    sibling = plan.sections.get(heading="Beta")
    deleted = plan.sections.get(heading="Gamma")
    restructuring.delete_section(deleted, owner)
    deleted = Section.all_objects.get(pk=deleted.pk)
    thread = Comment.objects.create(section=section, author=reviewer, body="A first thread")
    slot = plan.signoff_slots.get()
    slot.assign(reviewer, by=owner)
    target = Membership.objects.get(project=project, user=members["viewer"])
    template = PlanTemplate.create_uploaded(
        project=project, text=TEMPLATE_TEXT, name="", author=owner
    )
    tokens = {role: ApiToken.issue(user, f"{role} token") for role, user in members.items()}
    pdf_export = PdfExport.objects.create(
        plan=plan, content_key="0" * 64, status="ready", pdf=b"%PDF-1.7 stub", size=13, pages=1
    )
    elsewhere = make_project(owner=owner, slug="elsewhere", name="Elsewhere")
    foreign_plan = make_plan(elsewhere, author=owner, text="# Theirs\n\n## Part\n\ntheir text\n")
    foreign_template = PlanTemplate.create_uploaded(
        project=elsewhere, text=f"# {FOREIGN_TEMPLATE}\n\n## Part\n", name=FOREIGN_TEMPLATE
    )
    foreign_export = PdfExport.objects.create(
        plan=foreign_plan,
        content_key="1" * 64,
        status="ready",
        pdf=b"%PDF-1.7 theirs",
        size=15,
        pages=1,
    )
    webhook = Webhook.objects.create(
        project=project,
        url="https://hooks.example.com/a",
        secret="s" * 20,
        events=["plan.approved"],
    )
    delivery = Delivery.objects.create(webhook=webhook, event="plan.approved", body="{}")
    foreign_webhook = Webhook.objects.create(
        project=elsewhere, url="https://hooks.example.com/b", secret="s" * 20
    )
    Delivery.objects.create(webhook=foreign_webhook, event="plan.approved", body="{}")
    return World(
        webhook=webhook,
        delivery=delivery,
        foreign_webhook=foreign_webhook,
        users=dict(members),
        project=project,
        plan=plan,
        section=section,
        sibling=sibling,
        deleted=deleted,
        thread=thread,
        slot=slot,
        target=target,
        template=template,
        pdf_export=pdf_export,
        elsewhere=elsewhere,
        foreign_plan=foreign_plan,
        foreign_template=foreign_template,
        foreign_export=foreign_export,
        tokens=tokens,
    )


@pytest.fixture
def world(members, project) -> World:
    return build_world(members, project)


@pytest.fixture
def clients(members) -> dict[str, Client]:
    """A test client per role, logged in (anonymous: not)."""
    result = {"anonymous": Client()}
    for role, user in members.items():
        client = Client()
        client.force_login(user)
        result[role] = client
    return result


@pytest.fixture
def newbie(db) -> User:
    """A user who is in no project (to be added as a member)."""
    return make_user("newbie")
