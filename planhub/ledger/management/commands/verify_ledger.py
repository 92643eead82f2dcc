from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from planhub.ledger.verify import verify


class Command(BaseCommand):
    help = (
        "Check the audit ledger: every entry's hash, the chain's links and numbering, each "
        "project's head, and the records the entries point to. Exits 0 when intact, 1 naming "
        "the first broken entry."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", metavar="SLUG", help="check only this project's chain")

    def handle(self, project: str | None = None, **options):
        # By label: the ledger sits below projects and knows a project only by its id.
        Project = apps.get_model("projects", "Project")
        project_id = None
        if project is not None:
            found = Project.objects.filter(slug=project).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"No project has the address “{project}”.", returncode=2)
            project_id = found
        report = verify(project_id)
        names = dict(Project.objects.filter(pk__in=list(report.heads)).values_list("pk", "slug"))
        if report.ok:
            self.stdout.write(
                f"Ledger intact: {report.entries} entries in {report.projects} "
                f"project{'' if report.projects == 1 else 's'} "
                f"checked in {report.seconds:.2f} s."
            )
            return
        problem = report.problem
        where = names.get(problem.project_id, "(deleted project)")
        self.stderr.write(
            f"Ledger BROKEN at project {where} (id {problem.project_id}), entry "
            f"#{problem.seq} ({problem.action}): {problem.message}.\n"
            f"{report.entries} entries before it were intact ({report.seconds:.2f} s)."
        )
        raise SystemExit(1)
