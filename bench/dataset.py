"""The load benchmark's data set, in its own PostgreSQL database (`planhub_bench`).

    .venv/bin/python bench/dataset.py [--reuse]      # build it alone (bench/run.py calls build())
    BENCH_SCALE=10 .venv/bin/python bench/dataset.py  # ten times the data, its own database

What it holds (a team that has used PlanHub for a while), at BENCH_SCALE=1:

- 50 users: editor01-20, reviewer01-20, owner01-05, viewer01-05 (password BENCH_PASSWORD), each
  a member of the 5 projects (bench, bench-2 … bench-5) with that role;
- 201 plans: 40 per project from the four built-in templates (35 to 55 sections each) and, in
  project `bench`, one plan of exactly 100 sections (tables, code, task lists, an Approvals list
  of four sign-offs) - the plan the benchmark reads, edits, reviews and exports;
- 12,000 section revisions: revision 1 of every section, then further versions of the 100-section
  plan's sections (1 to 9 each) and of random sections of the other plans. Every version chain is
  complete (1 … n, each with its own text and rendered HTML) and Section.version, body, body_html,
  placeholder_count and updated_by are those of the section's latest revision. As in the app,
  version 1 of a plan made from a template is written by nobody (its note says which template,
  Section.updated_by is empty until someone saves) and every later version records its writer
  (SectionRevision.author and .authors);
- approvals (current, stale, change requests), comment threads with replies, sign-off slots
  (assigned, some signed);
- 50 to 200 notifications per user (a realistic inbox: most read, the newest unread).

BENCH_SCALE=N multiplies everything around what the benchmark measures: N x 40 plans per project
(2,000 plans at 10), N x 12,000 revisions, N x 50 users (the extra ones, member0001 …, are
members of one to five projects as editors, reviewers or viewers; their notifications come
with them), and so the approvals, comments and sign-offs that go with the plans. The clients
(editor01-20, reviewer01-20) and the 100-section plan stay the same. A scale other than 1 lives
in its own database, the name suffixed `_x<N>` (planhub_bench_x10), and is reused whenever it
is complete: building scale 10 takes a few minutes.

It is built in bulk (one plan per template through Plan.create_from_template, the others cloned
from it with bulk_create; revisions rendered with the app's own renderer) in well under a minute.
"""

import os
import random
import re
import sys
import time
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/planhub_bench"
BENCH_PASSWORD = "bench-password-1"
# Bumped when the data set changes, so that --reuse rebuilds an older one.
MARKER = "PlanHub load benchmark data set v3"
SCALE = max(1, int(os.environ.get("BENCH_SCALE", "").strip() or 1))
BIG_TITLE = "Implementation Plan: Benchmark - One Hundred Sections"
# The PDF job benchmark's plan (bench/big_plan.py), in a project of its own so that it changes
# nothing the other paths read (only owner01 is a member).
HUGE_PROJECT = "bench-pdf-job"
HUGE_TITLE = "Implementation Plan: Benchmark - PDF Job"

PROJECTS = ["bench", "bench-2", "bench-3", "bench-4", "bench-5"]
PLANS_PER_PROJECT = 40 * SCALE
BIG_SECTIONS = 100
REVISIONS = 12_000 * SCALE
EXTRA_USERS = 50 * (SCALE - 1)  # members beyond the 50 named ones (member0001 …)
NOTIFICATIONS = (50, 200)  # per user, at random in this range
ROLES = [("editor", 20), ("reviewer", 20), ("owner", 5), ("viewer", 5)]
NAMES = [
    "Payments",
    "Search",
    "Audit Log",
    "Team Calendar",
    "Notifications",
    "Billing Export",
    "Single Sign-On",
    "Mobile Sync",
    "Rate Limits",
    "Data Retention",
]


def usernames(role: str) -> list[str]:
    count = dict(ROLES)[role]
    return [f"{role}{n:02d}" for n in range(1, count + 1)]


def scaled_url(database_url: str, scale: int = SCALE) -> str:
    """The database of a scale: scale 1 is `database_url` itself, any other its name + _x<N>."""
    if scale == 1:
        return database_url
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_x{scale}"))


def setup_django(database_url: str) -> None:
    """Configure Django for the bench database (call before importing any model)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planhub.settings")
    os.environ.setdefault("SECRET_KEY", "planhub-bench-only-key-not-secret")
    os.environ.setdefault("DEBUG", "0")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- the database -----------------------------------------------------------------------------


def _admin_connection(database_url: str):
    """A connection to the server's `postgres` database (to drop and create the bench one)."""
    import psycopg

    parts = urlsplit(database_url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin_url, autocommit=True), parts.path.lstrip("/")


def database_exists(database_url: str) -> bool:
    connection, name = _admin_connection(database_url)
    with connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def recreate_database(database_url: str) -> None:
    from psycopg import sql

    connection, name = _admin_connection(database_url)
    if not name.startswith("planhub_bench"):
        raise SystemExit(f"refusing to drop database {name!r}: its name must start planhub_bench")
    with connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def existing_dataset() -> dict | None:
    """The data set's counts if a complete one is there (for --reuse), else None."""
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    from planhub.notifications.models import Notification
    from planhub.plans.models import Plan, SectionRevision
    from planhub.projects.models import Project

    try:
        project = Project.objects.filter(slug=PROJECTS[0], description=marker()).first()
        if project is None:
            return None
        big = Plan.objects.filter(project=project, title=BIG_TITLE).first()
        counts = {
            "users": get_user_model().objects.count(),
            "plans": Plan.objects.count(),
            "revisions": SectionRevision.objects.count(),
            "big_plan_sections": big.sections.count() if big else 0,
            "notifications": Notification.objects.count(),
        }
    except DatabaseError:
        return None
    complete = (
        counts["users"] >= 50 * SCALE
        and counts["plans"] >= 200 * SCALE
        and counts["revisions"] >= 10_000 * SCALE
        and counts["notifications"] >= NOTIFICATIONS[0] * 50 * SCALE
        and counts["big_plan_sections"] == BIG_SECTIONS
    )
    return counts if complete else None


# --- the 100-section plan ---------------------------------------------------------------------


def benchmark_plan_markdown(sections: int = BIG_SECTIONS) -> str:
    """A plan of exactly `sections` sections (H1, 10 chapters with work packages, Approvals) with
    what real plans hold: lists, task lists, tables (one long enough to cross pages), code,
    mermaid, placeholders, an Approvals list (four sign-off slots). The load benchmark reads,
    edits, reviews and exports it; bench/pdf_engines.py converts it with each PDF engine."""
    parts = [f"# {BIG_TITLE}\n\nThe plan the load benchmark reads, edits, reviews and exports.\n"]
    chapters, remaining = 10, sections - 2  # minus the H1 and the Approvals section
    per_chapter = remaining // chapters
    count = 0
    for c in range(1, chapters + 1):
        n = per_chapter if c < chapters else remaining - per_chapter * (chapters - 1)
        parts.append(f"## {c}. Chapter {c}\n\nWhy chapter {c} matters, in a sentence.\n")
        count += 1
        for s in range(1, n):
            count += 1
            parts.append(_work_package(c, s, count))
    parts.append(
        "## Approvals\n\n- **Technical Design**: [Name]\n- **Security Review**: [Name]\n"
        "- **Product Sign-off**: [Name]\n- **Launch Approval**: [Name]\n"
    )
    text = "\n".join(parts)
    assert len(re.findall(r"(?m)^#{1,6} ", text)) == sections, "wrong number of sections"
    return text


def _work_package(c: int, s: int, k: int) -> str:
    lines = [
        f"### {c}.{s} Work package {k:03d}\n",
        f"Package {k} delivers part of chapter {c}, with [details to fill] where needed. " * 3,
        "",
        f"- **Owner**: [Team]\n- **Risk**: medium, reviewed weekly\n- **Depends on**: "
        f"package {max(1, k - 1):03d}",
        "",
    ]
    if k % 3 == 0:
        lines += ["- [x] Design reviewed", "- [ ] Implemented", "- [ ] Load tested", ""]
    if k % 4 == 0:
        rows = 40 if k == 8 else 6
        lines += ["| ID | Task | Estimate | Status |", "|----|------|---------:|--------|"]
        lines += [
            f"| T{k:03d}-{r:02d} | Task {r} of package {k}, described in a sentence "
            f"| {r * 2} h | Open |"
            for r in range(1, rows + 1)
        ]
        lines.append("")
    if k % 5 == 0:
        lines += [
            "```python",
            f"def package_{k}(items: list[str]) -> dict[str, int]:",
            "    return {item: len(item) for item in items if item and not item.startswith('#')}",
            "```",
            "",
        ]
    if k % 25 == 0:
        lines += ["```mermaid", "graph TD", f"  A[Package {k}] --> B[Package {k + 1}]", "```", ""]
    return "\n".join(lines)


# --- building ---------------------------------------------------------------------------------


def marker() -> str:
    """The bench project's description: says the data set's version and scale (--reuse)."""
    return MARKER if SCALE == 1 else f"{MARKER}, scale {SCALE}"


def _users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    password = make_password(BENCH_PASSWORD)  # hashed once (PBKDF2 takes ~0.6 s per hash)
    extra = [f"member{n:04d}" for n in range(1, EXTRA_USERS + 1)]
    User.objects.bulk_create(
        (
            User(username=name, email=f"{name}@example.com", password=password)
            for name in [*(n for role, _ in ROLES for n in usernames(role)), *extra]
        ),
        batch_size=1000,
    )
    by_name = {user.username: user for user in User.objects.all()}
    users = {role: [by_name[name] for name in usernames(role)] for role, _ in ROLES}
    users["member"] = [by_name[name] for name in extra]
    return users


def _marker(name: str) -> str:
    return "@@" + "".join(ch for ch in name if ch.isalnum()) + "@@"


def _masters(project, author):
    """One plan per built-in template, with a marker for each title placeholder (cloned later)."""
    from planhub.plans.builtin_templates import BUILTIN_TEMPLATES
    from planhub.plans.models import Plan, PlanTemplate

    masters = []
    for slug in BUILTIN_TEMPLATES:
        template = PlanTemplate.objects.get(project=None, slug=slug)
        names = template.title_placeholders()
        values = {name: _marker(name) for name in names}
        title = "" if names else _marker("Title")
        plan = Plan.create_from_template(
            project=project, template=template, author=author, values=values, title=title
        )
        masters.append((plan, list(plan.sections.all()), list(plan.signoff_slots.all())))
    return masters


def _fill(text: str, values: dict[str, str]) -> str:
    for marker, value in values.items():
        text = text.replace(marker, value)
    return text


def build(database_url: str = DEFAULT_DATABASE_URL, reuse: bool = False, log=print) -> dict:
    """Build the data set (or keep the existing one with `reuse`); its counts and build time."""
    started = time.perf_counter()
    reuse = reuse or SCALE != 1  # a larger scale takes minutes to build: kept when complete
    if reuse and database_exists(database_url):
        setup_django(database_url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the data set outlives the code's migrations
        counts = existing_dataset()
        if counts is not None:
            counts["seconds"] = time.perf_counter() - started
            counts["reused"] = True
            return counts
        log("  --reuse: no complete data set in the database; building it")
        from django.db import connections

        connections.close_all()  # the database is dropped under them
    recreate_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    counts = _build_data()
    counts["migrate_seconds"] = migrated - started
    counts["seconds"] = time.perf_counter() - started
    counts["reused"] = False
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return counts


def _build_data() -> dict:
    from django.db import transaction

    with transaction.atomic():
        return _build_rows()


def _build_rows() -> dict:
    from django.db import connection
    from django.db.models import Count

    from planhub.document.placeholders import section_placeholder_count
    from planhub.plans.models import NOTE_MAX, Plan, Section, SectionRevision, SignOffSlot
    from planhub.projects.models import Membership, Project
    from planhub.reviews.models import Comment, SectionDecision, SignOff
    from planhub.reviews.rules import content_hash

    rng = random.Random(6)
    users = _users()
    writers = users["editor"] + users["owner"]
    projects = [
        Project(
            slug=slug,
            name=f"Benchmark {index + 1}",
            description=marker() if index == 0 else "Benchmark project",
        )
        for index, slug in enumerate(PROJECTS)
    ]
    projects = Project.objects.bulk_create(projects)
    Membership.objects.bulk_create(
        Membership(project=project, user=user, role=role)
        for project in projects
        for role, people in users.items()
        if role != "member"
        for user in people
    )
    # The extra members of a larger scale: one to five projects each, mostly editors.
    extra_roles = ["editor", "editor", "reviewer", "viewer"]
    Membership.objects.bulk_create(
        (
            Membership(project=project, user=user, role=extra_roles[n % len(extra_roles)])
            for n, user in enumerate(users["member"])
            for project in rng.sample(projects, rng.randint(1, len(projects)))
        ),
        batch_size=1000,
    )

    # Plans: 40 per project, cloned from one plan per template; masters deleted afterwards.
    masters = _masters(projects[0], users["owner"][0])
    plans, plan_values = [], []
    for p_index, project in enumerate(projects):
        for n in range(PLANS_PER_PROJECT):
            master, _, _ = masters[n % len(masters)]
            name = f"{NAMES[n % len(NAMES)]} {p_index + 1}.{n + 1}"
            values = {
                _marker("Feature Name"): name,
                _marker("FEATURE"): name,
                _marker("X"): str(n % 9 + 1),
                _marker("Phase Name"): name,
                _marker("Title"): f"Implementation Plan: {name}",
            }
            plans.append(
                Plan(
                    project=project,
                    title=_fill(master.title, values),
                    template=master.template,
                    line_ending=master.line_ending,
                    created_by=rng.choice(writers),
                )
            )
            plan_values.append((n % len(masters), values))
    plans = Plan.objects.bulk_create(plans, batch_size=500)
    sections, slots = [], []
    for plan, (m_index, values) in zip(plans, plan_values, strict=True):
        _, master_sections, master_slots = masters[m_index]
        for s in master_sections:
            heading, heading_source = _fill(s.heading, values), _fill(s.heading_source, values)
            body = _fill(s.body, values)
            sections.append(
                Section(
                    plan=plan,
                    position=s.position,
                    level=s.level,
                    heading=heading,
                    heading_source=heading_source,
                    body=body,
                    guidance=_fill(s.guidance, values),
                    heading_html=_fill(s.heading_html, values),
                    body_html=_fill(s.body_html, values),
                    placeholder_count=section_placeholder_count(heading, heading_source + body),
                    updated_by=None,  # a template's text: nobody wrote it (create_from_template)
                )
            )
        slots += [
            SignOffSlot(plan=plan, name=slot.name, position=slot.position) for slot in master_slots
        ]
    Plan.objects.filter(pk__in=[m.pk for m, _, _ in masters]).delete()
    Section.objects.bulk_create(sections, batch_size=1000)
    SignOffSlot.objects.bulk_create(slots, batch_size=1000)

    # The 100-section plan, through the app's own import path.
    big = Plan.create_from_markdown(
        project=projects[0], text=benchmark_plan_markdown(), author=users["owner"][0]
    )
    assert big.title == BIG_TITLE, big.title
    assert big.sections.count() == BIG_SECTIONS, big.sections.count()

    # Revisions: 1 for every section, then further versions up to REVISIONS in all.
    all_sections = list(
        Section.objects.select_related("plan__template", "updated_by").order_by("pk")
    )
    big_sections = [s for s in all_sections if s.plan_id == big.pk]
    others = [s for s in all_sections if s.plan_id != big.pk]
    # Revision 1 as Plan.create_from_template writes it: no author, the template as its note.
    # (The big plan's revision 1 exists already: create_from_markdown, written by its author.)
    SectionRevision.objects.bulk_create(
        (
            s.revision(None, note=f"From template “{s.plan.template.name}”"[:NOTE_MAX])
            for s in others
        ),
        batch_size=1000,
    )
    extra = {s.pk: rng.randint(1, 9) for s in big_sections}
    for _ in range(max(0, REVISIONS - len(all_sections) - sum(extra.values()))):
        section = rng.choice(others)
        extra[section.pk] = extra.get(section.pk, 0) + 1
    revisions, changed = [], []
    for section in all_sections:
        for _ in range(extra.get(section.pk, 0)):
            author = rng.choice(writers)
            _next_version(section, author)
            revisions.append(section.revision(author))
        if section.pk in extra:
            changed.append(section)
    _check_rendering(changed, revisions, rng)
    revisions = SectionRevision.objects.bulk_create(revisions, batch_size=1000)
    # Each later version records who wrote it (Section.record_revision).
    SectionRevision.authors.through.objects.bulk_create(
        (
            SectionRevision.authors.through(sectionrevision_id=r.pk, user_id=r.author_id)
            for r in revisions
        ),
        batch_size=1000,
    )
    for section in changed:
        section.placeholder_count = section_placeholder_count(
            section.heading, section.heading_source + section.body
        )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Section._meta.db_table} SET body = %s, body_html = %s, version = %s, "
            "placeholder_count = %s, updated_by_id = %s WHERE id = %s",
            [
                (s.body, s.body_html, s.version, s.placeholder_count, s.updated_by_id, s.pk)
                for s in changed
            ],
        )

    # Reviews: decisions on current and earlier versions, comment threads, sign-offs.
    approvals, comments = [], []
    for section in all_sections:
        roll = rng.random()
        reviewer = rng.choice(users["reviewer"])
        if roll < 0.30:
            approvals.append(_approval(section, reviewer, "approved", section.version))
        elif roll < 0.40 and section.version > 1:
            approvals.append(_approval(section, reviewer, "approved", section.version - 1))
        elif roll < 0.45:
            approvals.append(_approval(section, reviewer, "changes_requested", section.version))
        if rng.random() < 0.12:
            comments.append(
                Comment(section=section, author=reviewer, body=f"Question on {section.heading}?")
            )
    SectionDecision.objects.bulk_create(approvals, batch_size=1000)
    Comment.objects.bulk_create(comments, batch_size=1000)
    replies = [
        Comment(section_id=c.section_id, author=rng.choice(writers), parent=c, body="Answered.")
        for c in comments[::2]
    ]
    Comment.objects.bulk_create(replies, batch_size=1000)

    slots = list(SignOffSlot.objects.order_by("pk"))
    for slot in slots:
        slot.assignee = rng.choice(users["reviewer"] + users["owner"])
    SignOffSlot.objects.bulk_update(slots, ["assignee"], batch_size=1000)
    signed_plans = rng.sample(plans, 20)
    versions: dict[int, list] = {}
    for section in all_sections:
        versions.setdefault(section.plan_id, []).append(section)
    signoffs = []
    for plan in signed_plans:
        state = content_hash(sorted(versions[plan.pk], key=lambda s: (s.position, s.pk)))
        for slot in slots:
            if slot.plan_id == plan.pk:
                signoffs.append(
                    SignOff(slot=slot, user=slot.assignee, decision="signed", content_hash=state)
                )
    SignOff.objects.bulk_create(signoffs, batch_size=1000)
    notifications = _notifications(users, plans, rng)

    users_count = sum(len(people) for people in users.values())
    biggest = Plan.objects.annotate(n=Count("sections")).order_by("-n").values_list("n", flat=True)
    return {
        "users": users_count,
        "projects": len(projects),
        "plans": Plan.objects.count(),
        "sections": len(all_sections),
        "big_plan_sections": biggest[0],
        "revisions": SectionRevision.objects.count(),
        "approvals": len(approvals),
        "comments": len(comments) + len(replies),
        "signoffs": len(signoffs),
        "notifications": notifications,
    }


def _notifications(users: dict, plans: list, rng: random.Random) -> int:
    """Every user's inbox: NOTIFICATIONS[0] to [1] notifications about plans of their projects
    (what reviews, comments and sign-offs tell people), the older two thirds read, spread over
    the last weeks (one every ~20 minutes back from now)."""
    from django.db import connection
    from django.utils import timezone

    from planhub.notifications.models import Event, Notification
    from planhub.projects.models import Project

    now = timezone.now()
    slugs = dict(Project.objects.values_list("pk", "slug"))

    events = [
        (Event.REVIEW_REQUESTED, "Review requested on"),
        (Event.CHANGES_REQUESTED, "Changes requested on"),
        (Event.COMMENT_REPLY, "A reply on"),
        (Event.APPROVAL_STALE, "A section you approved changed in"),
        (Event.MENTION, "You were mentioned in"),
    ]
    people = [user for role in users.values() for user in role]
    rows = []
    for user in people:
        count = rng.randint(*NOTIFICATIONS)
        for n in range(count):
            plan = rng.choice(plans)
            event, words = events[n % len(events)]
            rows.append(
                Notification(
                    recipient=user,
                    event=event,
                    actor=rng.choice(people),
                    project_id=plan.project_id,
                    plan=plan,
                    title=f"{words} {plan.title}"[:300],
                    url=f"/p/{slugs[plan.project_id]}/plans/{plan.pk}/",
                    read_at=None if n >= count * 2 // 3 else now,
                    mail=Notification.Mail.DIGEST if n % 3 else Notification.Mail.NONE,
                )
            )
    Notification.objects.bulk_create(rows, batch_size=2000)
    # created_at is set on insert: spread them back in time, newest the highest id.
    table = Notification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET created_at = now() - "  # noqa: S608 - a model's table name
            f"((SELECT max(id) FROM {table}) - id) * interval '20 seconds', "
            "mailed_at = CASE WHEN mail = 'digest' THEN now() END"  # no digest left to send
        )
    return len(rows)


def huge_plan(sections: int = 1000) -> tuple[int, bool, float]:
    """The 1,000-section plan (the PDF job's, and the page, save and export.md rows of one
    client): bench/big_plan.py's `sections` sections, made through Plan.create_from_markdown by
    owner01 in the project HUGE_PROJECT (created if need be), with a history (later versions of
    a third of its sections, approvals current and stale, comment threads) by owner02-05, its
    reviewers; or the one made by an earlier run. Only owners are members, so that it changes
    nothing the other paths' readers see. Its id, whether it was made now, and the seconds."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from bench.big_plan import big_plan_markdown
    from planhub.plans.models import Plan, SectionRevision
    from planhub.projects.models import Membership, Project

    started = time.perf_counter()
    User = get_user_model()
    owners = list(User.objects.filter(username__in=usernames("owner")).order_by("username"))
    expected = sections + 1  # the H1's section, then one per component
    for plan in Plan.objects.filter(project__slug=HUGE_PROJECT, title=HUGE_TITLE):
        history = SectionRevision.objects.filter(section__plan=plan).count()
        if plan.sections.count() == expected and history > expected:
            return plan.pk, False, time.perf_counter() - started
        plan.delete()  # an incomplete one (another size, an interrupted run, no history)
    with transaction.atomic():
        project, _ = Project.objects.get_or_create(
            slug=HUGE_PROJECT,
            defaults={"name": "Benchmark PDF job", "description": "Benchmark project"},
        )
        Membership.objects.get_or_create(
            project=project, user=owners[0], defaults={"role": "owner"}
        )
        for reviewer in owners[1:]:
            Membership.objects.get_or_create(
                project=project, user=reviewer, defaults={"role": "reviewer"}
            )
        plan = Plan.create_from_markdown(
            project=project, text=big_plan_markdown(sections, title=HUGE_TITLE), author=owners[0]
        )
        _huge_history(plan, owners[0], owners[1:])
    if plan.sections.count() != expected:
        raise RuntimeError(f"the PDF job plan has {plan.sections.count()} sections, not {expected}")
    return plan.pk, True, time.perf_counter() - started


def _huge_history(plan, writer, reviewers) -> None:
    """Later versions of a third of the plan's sections (1 to 5 each, by `writer`), approvals
    (current and stale) and change requests by `reviewers`, comment threads with replies."""
    from django.db import connection

    from planhub.plans.models import Section, SectionRevision
    from planhub.reviews.models import Comment, SectionDecision

    rng = random.Random(19)
    sections = list(plan.sections.order_by("position"))
    changed, revisions = [], []
    for section in sections[1:]:
        if rng.random() < 1 / 3:
            for _ in range(rng.randint(1, 5)):
                _next_version(section, writer)
                revisions.append(section.revision(writer))
            changed.append(section)
    revisions = SectionRevision.objects.bulk_create(revisions, batch_size=1000)
    SectionRevision.authors.through.objects.bulk_create(
        (
            SectionRevision.authors.through(sectionrevision_id=r.pk, user_id=writer.pk)
            for r in revisions
        ),
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Section._meta.db_table} SET body = %s, body_html = %s, version = %s, "
            "updated_by_id = %s WHERE id = %s",
            [(s.body, s.body_html, s.version, s.updated_by_id, s.pk) for s in changed],
        )
    decisions, threads = [], []
    for section in sections:
        roll, reviewer = rng.random(), rng.choice(reviewers)
        if roll < 0.30:
            decisions.append(_approval(section, reviewer, "approved", section.version))
        elif roll < 0.40 and section.version > 1:
            decisions.append(_approval(section, reviewer, "approved", section.version - 1))
        elif roll < 0.45:
            decisions.append(_approval(section, reviewer, "changes_requested", section.version))
        if rng.random() < 0.10:
            threads.append(Comment(section=section, author=reviewer, body="Is this settled?"))
    SectionDecision.objects.bulk_create(decisions, batch_size=1000)
    threads = Comment.objects.bulk_create(threads, batch_size=1000)
    Comment.objects.bulk_create(
        Comment(section_id=c.section_id, author=writer, parent=c, body="Yes.") for c in threads[::2]
    )
    plan.touch()


def _next_version(section, author) -> None:
    """The section's next version: a paragraph added at the top of its text. Its HTML is the
    paragraph's followed by the previous HTML (a paragraph ended by a blank line is a block of
    its own); _check_rendering verifies that against the app's renderer."""
    version = section.version + 1
    note = f"Update {version}: {author.username} settled this after review round {version - 1}."
    core = section.body.strip("\r\n")
    if core:
        start = section.body.index(core)
        section.body = f"{section.body[:start]}{note}\n\n{section.body[start:]}"
        section.body_html = _render_note(note) + section.body_html
    else:
        section.body = f"\n{note}\n\n"
        section.body_html = _render_note(note)
    section.version = version
    section.updated_by = author


@cache
def _render_note(note: str) -> str:
    from planhub.document.rendering import render_markdown

    return render_markdown(note)


def _check_rendering(sections, revisions, rng, sample: int = 300) -> None:
    """Render a sample of the new versions with the app's renderer; if any differs from the
    shortcut HTML, render every new revision (and section) in full instead."""
    from planhub.document.rendering import render_markdown

    picked = rng.sample(sections, min(sample, len(sections)))
    if all(render_markdown(s.body) == s.body_html for s in picked):
        return
    for item in [*revisions, *sections]:
        item.body_html = render_markdown(item.body)


def _approval(section, reviewer, decision: str, version: int):
    from planhub.reviews.models import SectionDecision

    return SectionDecision(section=section, reviewer=reviewer, decision=decision, version=version)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep a complete existing data set")
    args = parser.parse_args()
    database_url = scaled_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    counts = build(database_url, reuse=args.reuse)
    print(f"{database_url} (scale {SCALE}): " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
