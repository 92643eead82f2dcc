"""Plain factories for tests: each makes one object with sensible defaults."""

from itertools import count

from django.contrib.auth import get_user_model

from planhub.plans.models import Plan, PlanTemplate
from planhub.projects.models import Membership, Project, Role

_numbers = count(1)
PASSWORD = "correct-horse-battery"


def make_user(username: str | None = None):
    username = username or f"user{next(_numbers)}"
    return get_user_model().objects.create_user(username=username, password=PASSWORD)


def make_project(owner=None, slug: str | None = None, name: str = "Apollo") -> Project:
    slug = slug or f"project-{next(_numbers)}"
    project = Project.objects.create(name=name, slug=slug)
    if owner is not None:
        Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project


def add_member(project: Project, user, role: str) -> Membership:
    return Membership.objects.create(project=project, user=user, role=role)


def builtin_template(slug: str = "feature-plan") -> PlanTemplate:
    return PlanTemplate.objects.get(project=None, slug=slug)


def make_plan(project: Project, author=None, text: str | None = None, slug="feature-plan") -> Plan:
    if text is not None:
        return Plan.create_from_markdown(project=project, text=text, author=author)
    template = builtin_template(slug)
    values = {name: f"Test {name}" for name in template.title_placeholders()}
    return Plan.create_from_template(
        project=project, template=template, author=author, values=values
    )
