from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planhub.exports.markdown import plan_markdown
from planhub.plans.models import Plan


class Command(BaseCommand):
    help = "Export a plan as Markdown (to stdout, or to -o FILE)."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", choices=["md", "pdf"], default="md")
        parser.add_argument("--plain", action="store_true", help="leave out generated blocks")
        parser.add_argument(
            "--reviews", action="store_true", help="add a review summary under every section"
        )
        parser.add_argument("-o", "--output", type=Path, help="write to this file")

    def handle(self, plan_id: int, format: str, plain: bool, output: Path | None, **options):
        reviews = options.get("reviews", False)
        plan = Plan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"No plan with id {plan_id}.")
        if format == "pdf":
            if not output:
                raise CommandError("--format pdf writes a binary file: give -o FILE (-o plan.pdf).")
            from planhub.exports.pdf import plan_pdf

            data = plan_pdf(plan)
            output.write_bytes(data)
            self.stderr.write(f"Wrote {output} ({len(data):,} bytes).")
            return
        text = plan_markdown(plan, plain=plain, review_summary=reviews)
        if output:
            data = text.encode("utf-8")
            output.write_bytes(data)
            self.stderr.write(f"Wrote {output} ({len(data):,} bytes).")
        else:
            self.stdout.write(text, ending="")
