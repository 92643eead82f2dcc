from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from planhub.plans.models import Plan, imported_from
from planhub.projects.models import Project, Role

from ._markdown_file import read_markdown_file


class Command(BaseCommand):
    help = "Import a Markdown file as a new plan in a project; prints the plan's id last."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--project", required=True, help="slug of the project")
        parser.add_argument("--owner", help="username recorded as author (default: an owner)")

    def handle(self, path: Path, project: str, owner: str | None, **options):
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"No project with slug “{project}”.")
        if owner:
            author = get_user_model().objects.filter(username=owner).first()
            if author is None:
                raise CommandError(f"No user called “{owner}”.")
        else:
            first_owner = target.memberships.filter(role=Role.OWNER).select_related("user").first()
            author = first_owner.user if first_owner else None
        text = read_markdown_file(path)
        plan = Plan.create_from_markdown(
            project=target,
            text=text,
            author=author,
            title=path.stem,
            origin=imported_from(path.name),
        )
        self.stderr.write(f"Imported “{plan.title}” with {plan.sections.count()} sections.")
        self.stdout.write(str(plan.pk))
