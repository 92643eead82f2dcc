from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from planhub.plans.models import Plan, PlanTemplate
from planhub.projects.models import Membership, Project


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_template_prints_slug(tmp_path, project):
    path = tmp_path / "Release Plan.md"
    path.write_text("# Release [Version]\n\n## Steps\n")
    assert run("import_template", str(path), "--project", "apollo").strip() == "release-plan"
    template = PlanTemplate.objects.get(project=project, slug="release-plan")
    assert template.name == "Release [Version]" and template.title_placeholders() == ["Version"]
    assert run("import_template", str(path), "--project", "apollo").strip() == "release-plan-2"


def test_import_plan_prints_id_last_and_records_owner(tmp_path, project, owner, editor):
    path = tmp_path / "plan.md"
    path.write_text("# Imported\n\n## One\ntext\n")
    plan = Plan.objects.get(pk=int(run("import_plan", str(path), "--project", "apollo")))
    assert plan.title == "Imported" and plan.created_by == owner
    output = run("import_plan", str(path), "--project", "apollo", "--owner", "eddie")
    assert Plan.objects.get(pk=int(output.splitlines()[-1])).created_by == editor


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"just text, no heading\n", "has no heading"),
        (b"\xff\xfe# bad", "is not UTF-8"),
        (b"# ok\x00binary", "looks binary"),
    ],
)
def test_import_refuses_bad_files_and_changes_nothing(tmp_path, project, content, message):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_plan", str(path), "--project", "apollo")
    with pytest.raises(CommandError, match=message):
        call_command("import_template", str(path))
    assert not Plan.objects.exists() and not PlanTemplate.objects.filter(slug="bad").exists()


def test_import_errors_for_missing_things(tmp_path, project):
    path = tmp_path / "x.md"
    path.write_text("# X\n")
    with pytest.raises(CommandError, match="No project with slug “nope”"):
        call_command("import_plan", str(path), "--project", "nope")
    with pytest.raises(CommandError, match="No user called “ghost”"):
        call_command("import_plan", str(path), "--project", "apollo", "--owner", "ghost")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_plan", str(tmp_path / "missing.md"), "--project", "apollo")


def test_oversized_import_is_refused(tmp_path, project):
    path = tmp_path / "big.md"
    path.write_bytes(b"# Big\n" + b"x" * (2 * 1024 * 1024))
    with pytest.raises(CommandError, match="the limit is 2 MB"):
        call_command("import_plan", str(path), "--project", "apollo")


@pytest.mark.django_db
def test_seed_demo_creates_users_project_and_a_plan_per_template():
    output = run("seed_demo", "--password", "pw-123")
    assert "alice" in output and "pw-123" in output
    project = Project.objects.get(slug="demo")
    roles = dict(Membership.objects.filter(project=project).values_list("user__username", "role"))
    assert roles == {"alice": "owner", "bob": "editor", "carol": "reviewer", "dave": "viewer"}
    assert sorted(project.plans.values_list("template__slug", flat=True)) == [
        "feature-plan",
        "implementation-plan",
        "phase-plan",
        "technical-approach-plan",
    ]
    assert get_user_model().objects.get(username="carol").check_password("pw-123")
    run("seed_demo")  # idempotent: no duplicate plans, passwords reset
    assert project.plans.count() == 4
    assert get_user_model().objects.get(username="carol").check_password("planhub-demo")
