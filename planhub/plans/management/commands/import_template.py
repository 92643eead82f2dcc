from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planhub.document.importing import InvalidMarkdown, decode_markdown
from planhub.plans.models import PlanTemplate
from planhub.projects.models import Project


class Command(BaseCommand):
    help = (
        "Import a Markdown file as a plan template (built-in without --project); prints its slug."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--project", help="slug of the project the template belongs to")
        parser.add_argument("--name", help="template name (default: the file's first heading)")

    def handle(self, path: Path, project: str | None, name: str | None, **options):
        owner = None
        if project:
            owner = Project.objects.filter(slug=project).first()
            if owner is None:
                raise CommandError(f"No project with slug “{project}”.")
        try:
            text = decode_markdown(path.read_bytes(), name=str(path))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except InvalidMarkdown as error:
            raise CommandError(str(error)) from None
        template = PlanTemplate.create_uploaded(
            project=owner, text=text, name=name or "", file_stem=path.stem
        )
        self.stdout.write(template.slug)
