from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planhub.plans.models import PlanTemplate
from planhub.projects.models import Project

from ._markdown_file import read_markdown_file


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
        text = read_markdown_file(path)
        template = PlanTemplate.create_uploaded(
            project=owner, text=text, name=name or "", file_stem=path.stem
        )
        self.stdout.write(template.slug)
