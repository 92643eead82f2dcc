"""Shared by the plans app's tests: a small plan (Scope, Risks with tasks); the templates
library's URLs and an uploaded template (`uploaded`)."""

import pytest
from django.urls import reverse

from planhub.plans.models import PlanTemplate, Section


def section(plan, heading):
    found = Section.objects.get(plan=plan, heading=heading)
    found.plan = plan
    return found


TEMPLATE_TEXT = "# Runbook: [Service]\n\nIntro.\n\n## Alerts\n\n### Paging\n\nWho.\n\n## Rollback\n"


def library_url(slug="apollo"):
    return reverse("template_library", args=[slug])


def detail_url(template, slug="apollo"):
    return reverse("template_detail", args=[slug, template.pk])


def archive_url(template, slug="apollo"):
    return reverse("template_archive", args=[slug, template.pk])


@pytest.fixture
def uploaded(project, editor):
    template = PlanTemplate.create_uploaded(
        project=project, text=TEMPLATE_TEXT, name="Runbook", author=editor
    )
    template.description = "For on-call services."
    template.save()
    return template
