from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from planhub.document.importing import InvalidMarkdown, decode_markdown
from planhub.plans.models import Plan, imported_from
from planhub.projects.models import Project, Role


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
        try:
            text = decode_markdown(path.read_bytes(), name=str(path))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except InvalidMarkdown as error:
            raise CommandError(str(error)) from None
        plan = Plan.create_from_markdown(
            project=target,
            text=text,
            author=author,
            title=path.stem,
            origin=imported_from(path.name),
        )
        self.stderr.write(f"Imported “{plan.title}” with {plan.sections.count()} sections.")
        self.stdout.write(str(plan.pk))
