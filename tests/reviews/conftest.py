"""URL helpers for the review views' tests (their `section` fixture is in tests/conftest.py)."""

from django.urls import reverse

HX = {"HTTP_HX_REQUEST": "true"}


def section_url(section, name):
    return reverse(name, args=[section.plan.project.slug, section.plan_id, section.pk])


def plan_url(plan, name, *extra):
    return reverse(name, args=[plan.project.slug, plan.pk, *extra])
