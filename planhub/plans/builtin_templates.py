"""The four built-in plan templates, shipped byte-identical in `seed_templates/`."""

from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent / "seed_templates"

BUILTIN_TEMPLATES = {
    "feature-plan": (
        "Feature plan",
        "One feature from spec to rollout: architecture, data model, API, security, "
        "testing, deployment, risks and timeline.",
    ),
    "implementation-plan": (
        "Implementation plan",
        "A system-level plan: technology stack, architecture, infrastructure, "
        "environments, performance, observability and testing.",
    ),
    "phase-plan": (
        "Phase plan",
        "One phase of a larger effort: objectives, design, task breakdown with "
        "dependencies, standards, rollout and a review checklist.",
    ),
    "technical-approach-plan": (
        "Technical approach",
        "Technical approach and architecture with quality gates, phased implementation, "
        "success metrics, risks and named approvals.",
    ),
}


def read_seed(slug: str) -> str:
    # newline="" keeps the file's bytes: no line-ending translation.
    with open(SEED_DIR / f"{slug}.md", encoding="utf-8", newline="") as handle:
        return handle.read()


def sync_builtin_templates() -> None:
    """Create or update the built-in templates from the shipped files."""
    from .models import PlanTemplate

    for slug, (name, description) in BUILTIN_TEMPLATES.items():
        PlanTemplate.objects.update_or_create(
            project=None,
            slug=slug,
            defaults={"name": name, "description": description, "source": read_seed(slug)},
        )


def sync_builtin_templates_after_migrate(using: str = "default", **kwargs) -> None:
    """post_migrate (and the test runner's flush): built-ins are always present."""
    from django.db import connections

    from .models import PlanTemplate

    if PlanTemplate._meta.db_table in connections[using].introspection.table_names():
        sync_builtin_templates()
