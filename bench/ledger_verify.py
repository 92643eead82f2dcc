"""How long verify_ledger takes on a project with 10,000 ledger entries, on SQLite and PostgreSQL.

    python bench/ledger_verify.py [--entries 10000] [--database sqlite|postgres|both]

The entries are real ones: a plan from the technical-approach template, then section versions
(each a SectionRevision row and its SECTION_VERSION entry, appended in batches), so verify
recomputes every hash, follows every link and re-reads every revision it points to (its body's
sha256 compared). PostgreSQL: the planhub_ledger_bench database on BENCH_PG (default
postgres://postgres@127.0.0.1:5432), dropped and made again each run."""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = "planhub_ledger_bench"


def one(entries: int) -> None:
    """Runs in a child process whose DATABASE_URL is already set."""
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planhub.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from planhub.ledger.chain import append_many, entry_count
    from planhub.plans.audit import revision_item
    from planhub.plans.builtin_templates import sync_builtin_templates
    from planhub.plans.models import Plan, PlanTemplate, SectionRevision
    from planhub.projects.models import Membership, Project

    call_command("migrate", verbosity=0)
    sync_builtin_templates()
    user = get_user_model().objects.create_user("bench", password="bench-pass-1")
    project = Project.objects.create(name="Bench", slug="bench")
    Membership.add(project=project, user=user, role="owner", by=user)
    template = PlanTemplate.objects.get(project=None, slug="technical-approach-plan")
    values = {name: "Bench" for name in template.title_placeholders()}
    plan = Plan.create_from_template(project=project, template=template, author=user, values=values)
    sections = list(plan.sections.all())
    started = time.perf_counter()
    version = 1
    while entry_count(project.pk) < entries:
        version += 1
        room = entries - entry_count(project.pk)
        batch = sections[: min(len(sections), room)]
        with transaction.atomic():
            revisions = SectionRevision.objects.bulk_create(
                SectionRevision(
                    section=s, version=version, level=s.level, heading=s.heading,
                    heading_source=s.heading_source, body=f"{s.body}\nEdit {version}.\n",
                    author=user,
                )
                for s in batch
            )  # fmt: skip
            append_many(
                project_id=project.pk,
                actor=user,
                items=[revision_item(r, plan.pk) for r in revisions],
            )
    built = time.perf_counter() - started
    count = entry_count(project.pk)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    call_command("verify_ledger", "--project", "bench")
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{connection.vendor}: {count} entries built in {built:.1f} s; verify_ledger "
        f"{seconds:.2f} s ({count / seconds:,.0f} entries/s); peak RSS {rss_before // 1024} → "
        f"{rss_after // 1024} MB"
    )


def run(database: str, entries: int) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as workdir:
        if database == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{workdir}/ledger-bench.sqlite3"
        else:
            import psycopg

            with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
                admin.execute(f"CREATE DATABASE {PG_DB}")
            env["DATABASE_URL"] = f"{PG}/{PG_DB}"
        subprocess.run(
            [sys.executable, __file__, "--one", "--entries", str(entries)], env=env, check=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.entries)
        return
    for database in ("sqlite", "postgres") if args.database == "both" else (args.database,):
        run(database, args.entries)


if __name__ == "__main__":
    main()
