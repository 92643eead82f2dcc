"""XSS: every payload (payloads.py) through every place a user writes text, checked on every page
that shows that text, with an HTML parser (html_audit.py): no script, no event handler, no
javascript:/data:/vbscript: URL, no frame/object/embed/base/meta refresh from user input — and
the payload's marker must be on the page, so a page that silently dropped the text (or was never
reached) cannot pass.

How payloads are laid out, to stay fast without losing isolation:
- where text is rendered as Markdown (section body and heading, uploaded plan and template),
  each payload has its own section, so one payload cannot change how another is parsed;
- where text is shown as escaped plain text (edit forms, titles, names, comments, reasons,
  error messages), several payloads share one field ("packs" as long as the field allows):
  escaping is character by character, so neighbours cannot interact.
Each payload is preceded by its marker `xqNNNz`; a finding names the last marker before it.
"""

from collections.abc import Iterable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from planhub.document.placeholders import section_placeholder_count
from planhub.plans.models import Plan, PlanTemplate
from planhub.projects.models import Project
from planhub.reviews.status import review_plan
from tests.factories import PASSWORD, make_plan

from .html_audit import audit
from .payloads import PAYLOADS, Payload

HX = {"HTTP_HX_REQUEST": "true"}


def marker(index: int) -> str:
    return f"xq{index:03d}z"


PAYLOAD_OF = {marker(i): p for i, p in enumerate(PAYLOADS)}
# A document holding every payload: those whose HTML block never closes go last, so that (as
# CommonMark says) they swallow nothing but the end of the document.
SWALLOWING = {"script-unclosed"}
DOCUMENT_ORDER = [i for i, p in enumerate(PAYLOADS) if p.id not in SWALLOWING] + [
    i for i, p in enumerate(PAYLOADS) if p.id in SWALLOWING
]


def item(index: int, *, one_line: bool) -> str:
    payload = PAYLOADS[index]
    return f"{marker(index)} {payload.one_line if one_line else payload.text}"


def packs(
    limit: int, *, one_line: bool = True, sep: str = " ", indices: Iterable[int] | None = None
) -> list[tuple[str, list[str]]]:
    """Payloads (all, or those at `indices`) grouped into texts of at most `limit` characters:
    [(text, [markers])]. A payload longer than `limit` on its own makes a pack of its own (the
    form then refuses it)."""
    result: list[tuple[str, list[str]]] = []
    text, markers = "", []
    for index in range(len(PAYLOADS)) if indices is None else indices:
        piece = item(index, one_line=one_line)
        if text and len(text) + len(sep) + len(piece) > limit:
            result.append((text, markers))
            text, markers = "", []
        text = f"{text}{sep}{piece}" if text else piece
        markers.append(marker(index))
    result.append((text, markers))
    return result


def md_item(index: int) -> str:
    """A payload as Markdown text: its marker in a paragraph of its own first, so the payload
    starts a line (a fence, an HTML block or a link definition stays one)."""
    return f"{marker(index)}\n\n{PAYLOADS[index].text}"


def every_payload(*, sep: str = "\n\n", one_line: bool = False) -> str:
    return sep.join(item(i, one_line=one_line) for i in range(len(PAYLOADS)))


def markdown_document(title: str) -> str:
    """A document with a section per payload: the payload in its heading and in its text."""
    return f"# {title}\n\n" + "".join(
        f"## {item(i, one_line=True)}\n\n{md_item(i)}\n\n" for i in DOCUMENT_ORDER
    )


class Pages:
    """Collects every problem of one input place; fails once, listing them all."""

    def __init__(self, place: str):
        self.place = place
        self.problems: list[str] = []
        self.cases = 0  # payload x page cases checked

    def check(
        self,
        page: str,
        response,
        markers: Iterable[str],
        *,
        status: int | tuple[int, ...] = 200,
        plain: bool = False,
        shown_in: str | None = None,
    ) -> None:
        """`response` must show every one of `markers` and nothing dangerous; `plain`: the
        text is shown as plain text there, so each payload's `literal` must be readable.
        `shown_in`: the page shows a title as the text of its rendering (Plan.plain_title, as
        the H1 shows it): only the markers that text keeps must be there, and no literal (HTML
        the sanitizer drops takes its content with it, as on the plan page's H1)."""
        markers = list(markers)
        if shown_in is not None:
            markers, plain = [m for m in markers if m in shown_in], False
        statuses = status if isinstance(status, tuple) else (status,)
        where = f"{self.place} / {page}"
        if response.status_code not in statuses:
            self.problems.append(f"{where}: status {response.status_code}, not {status}")
            return
        result = audit(response.content.decode())
        for finding in result.findings:
            payload = PAYLOAD_OF.get(finding.marker)
            self.problems.append(f"{where}: {payload.id if payload else '?'}: {finding}")
        seen = set(result.markers)
        for missing in [m for m in markers if m not in seen]:
            self.problems.append(
                f"{where}: {PAYLOAD_OF[missing].id} ({missing}) is not on the page"
            )
        if plain:
            for m in markers:
                literal = PAYLOAD_OF[m].literal
                if literal and literal not in result.text:
                    self.problems.append(
                        f"{where}: {PAYLOAD_OF[m].id}: {literal!r} is not shown as text"
                    )
        self.cases += len(markers)

    def done(self) -> None:
        assert self.cases, f"{self.place}: no payload was checked on any page"
        assert not self.problems, f"{len(self.problems)} problems:\n" + "\n".join(self.problems)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def plan_url(plan: Plan, name: str, *extra) -> str:
    return reverse(name, args=[plan.project.slug, plan.pk, *extra])


def upload(text: str, name: str = "upload.md") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/markdown")


def sectioned_plan(project, author, count: int, title: str = "XSS") -> tuple[Plan, list]:
    """A plan with `count` sections S0..S(count-1), each with placeholder text."""
    text = f"# {title}\n\n" + "".join(f"## S{i}\n\nplaceholder\n\n" for i in range(count))
    plan = make_plan(project, author=author, text=text)
    sections = list(plan.sections.filter(level=2).order_by("position"))
    for section in sections:
        section.plan = plan
    return plan, sections


def plan_pages(pages: Pages, client: Client, plan: Plan, markers, *, plain=False) -> None:
    """The pages that show a whole plan: the plan page and its print view."""
    pages.check("plan page", client.get(plan.get_absolute_url()), markers, plain=plain)
    pages.check("print view", client.get(plan_url(plan, "plan_print")), markers, plain=plain)


# --- Section text ---------------------------------------------------------------------------


def test_section_body(members, project):
    """Saved through the section view (as the editor); shown rendered on the plan page, the
    print view, the section partial and the preview, and as text in the editor, the diff and
    the conflict view."""
    pages = Pages("section body")
    editor, owner = login(members["editor"]), login(members["owner"])
    plan, sections = sectioned_plan(project, members["owner"], len(PAYLOADS) + 1)
    for index, section in enumerate(sections[:-1]):
        body = md_item(index) + "\n"
        response = editor.post(
            section.get_absolute_url(), {"heading": section.heading, "body": body, "version": 1}
        )
        assert response.status_code == 302, (PAYLOADS[index].id, response.content[:500])
    combined = sections[-1]  # every payload in one body, for the pages that show it as text
    response = editor.post(
        combined.get_absolute_url(),
        {
            "heading": combined.heading,
            "body": "\n\n".join(map(md_item, DOCUMENT_ORDER)),
            "version": 1,
        },
    )
    assert response.status_code == 302

    markers = [marker(i) for i in range(len(PAYLOADS))]
    plan_pages(pages, owner, plan, markers)
    for index, section in enumerate(sections[:-1]):
        url = section.get_absolute_url()
        pages.check("section partial", owner.get(url, **HX), [marker(index)])
        preview = editor.post(
            plan_url(plan, "section_preview", section.pk),
            {"body": md_item(index)},
            **HX,
        )
        pages.check("preview", preview, [marker(index)])
    for index in range(len(PAYLOADS)):  # its own section and the combined one, as snippets
        found = owner.get(reverse("search"), {"q": marker(index)})
        pages.check("search results", found, [marker(index)])
    edit_url = plan_url(plan, "section_edit", combined.pk)
    pages.check("edit form (page)", editor.get(edit_url), markers, plain=True)
    pages.check("edit form (partial)", editor.get(edit_url, **HX), markers, plain=True)
    changes = owner.get(plan_url(plan, "section_changes", combined.pk) + "?since=1")
    pages.check("diff", changes, markers, plain=True)
    # A save on version 1 that changes the same lines: the 409 conflict view shows both texts.
    mine = {"heading": combined.heading, "body": every_payload() + "\n\nmine", "version": 1}
    conflict = editor.post(combined.get_absolute_url(), mine)
    pages.check("conflict view (page)", conflict, markers, status=409, plain=True)
    pages.check(
        "conflict view (partial)",
        editor.post(combined.get_absolute_url(), mine, **HX),
        markers,
        status=409,
        plain=True,
    )
    pages.done()


def test_section_heading(members, project):
    """Headings saved through the section view; each payload has a section of its own (rendered
    inline Markdown on the plan page, print view and in the outline), and packs of payloads
    share the headings of a few more sections for the pages that show a heading as text (edit
    form's input value, history, comments and diff titles, activity, the reviewer's dashboard)."""
    pages = Pages("section heading")
    editor, owner, reviewer = (login(members[r]) for r in ("editor", "owner", "reviewer"))
    heading_packs = packs(500)
    plan, sections = sectioned_plan(project, members["owner"], len(PAYLOADS) + len(heading_packs))
    for index, section in enumerate(sections[: len(PAYLOADS)]):
        data = {"heading": item(index, one_line=True), "body": "text", "version": 1}
        response = editor.post(section.get_absolute_url(), data)
        assert response.status_code == 302, (PAYLOADS[index].id, response.content[:500])
        if index % 20 == 19 or index == len(PAYLOADS) - 1:  # the dashboard lists the last 20
            # ... that wait for a review: a heading with a placeholder ("[r]: …") waits for text.
            shown = [
                marker(i)
                for i in range(index - index % 20, index + 1)
                if not section_placeholder_count(item(i, one_line=True), item(i, one_line=True))
            ]
            pages.check("reviewer's dashboard", reviewer.get(reverse("dashboard")), shown)
    markers = [marker(i) for i in range(len(PAYLOADS))]
    plan_pages(pages, owner, plan, markers)
    pages.check("activity", owner.get(plan_url(plan, "plan_activity")), markers, plain=True)
    for index in range(len(PAYLOADS)):  # the heading, highlighted
        found = owner.get(reverse("search"), {"q": marker(index)})
        pages.check("search results", found, [marker(index)])
    for (text, pack_markers), section in zip(heading_packs, sections[len(PAYLOADS) :], strict=True):
        data = {"heading": text, "body": "text", "version": 1}
        assert editor.post(section.get_absolute_url(), data).status_code == 302
        pages.check("section partial", owner.get(section.get_absolute_url(), **HX), pack_markers)
        edit = editor.get(plan_url(plan, "section_edit", section.pk))
        pages.check("edit form", edit, pack_markers, plain=True)
        history = owner.get(plan_url(plan, "section_history", section.pk))
        pages.check("section history", history, pack_markers, plain=True)
        comments = owner.get(plan_url(plan, "comments", section.pk))
        pages.check("comments page", comments, pack_markers, plain=True)
        changes = owner.get(plan_url(plan, "section_changes", section.pk))
        pages.check("diff", changes, pack_markers, plain=True)
    pages.done()


# --- Comments, reviews, sign-offs -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["comment", "reply"])
def test_comment_and_reply(members, project, kind):
    """Comments (and replies) posted through the comments view, as the reviewer; shown on the
    comments page and partial and (their first 200 characters) in the activity."""
    pages = Pages(kind)
    reviewer, owner = login(members["reviewer"]), login(members["owner"])
    plan = make_plan(project, author=members["owner"], text="# C\n\n## A\n\ntext\n")
    section = plan.sections.get(heading="A")
    url = plan_url(plan, "comments", section.pk)
    parent = {}
    if kind == "reply":
        assert reviewer.post(url, {"body": "the thread"}).status_code == 302
        parent = {"parent": section.comments.get().pk}
    comment_packs = packs(200, one_line=False, sep="\n")  # the activity shows 200 characters
    for text, _ in comment_packs:
        assert reviewer.post(url, {"body": text, **parent}).status_code == 302
    markers = [marker(i) for i in range(len(PAYLOADS))]
    pages.check("comments page", owner.get(url), markers, plain=True)
    pages.check("comments partial", owner.get(url, **HX), markers, plain=True)
    pages.check("activity", owner.get(plan_url(plan, "plan_activity")), markers, plain=True)
    for m in markers:  # the comment, as a snippet
        pages.check("search results", owner.get(reverse("search"), {"q": m}), [m])
    # Too long: refused, and the text comes back in the form.
    refused = reviewer.post(url, {"body": every_payload() + "x" * 10_000, **parent}, **HX)
    pages.check("refused comment form", refused, markers if not parent else [], status=422)
    pages.done()


def test_review_comment(members, project):
    pages = Pages("review comment")
    reviewer, owner = login(members["reviewer"]), login(members["owner"])
    plan = make_plan(project, author=members["owner"], text="# R\n\n## A\n\ntext\n")
    section = plan.sections.get(heading="A")
    url = plan_url(plan, "section_decide", section.pk)
    markers = [marker(i) for i in range(len(PAYLOADS))]
    text = every_payload(sep="\n")
    data = {"decision": "changes_requested", "version": section.version, "comment": text}
    pages.check("review answer (partial)", reviewer.post(url, data, **HX), markers, plain=True)
    pages.check("plan page", owner.get(plan.get_absolute_url()), markers, plain=True)
    pages.check("section partial", owner.get(section.get_absolute_url(), **HX), markers)
    pages.check("activity", owner.get(plan_url(plan, "plan_activity")), markers, plain=True)
    invalid = {**data, "decision": "maybe"}  # refused: the comment comes back in its input
    refused = reviewer.post(url, invalid)
    pages.check("refused review form", refused, markers, status=422, plain=True)
    pages.done()


def test_signoff_decline_reason(members, project):
    pages = Pages("sign-off decline reason")
    reviewer, owner = login(members["reviewer"]), login(members["owner"])
    plan = make_plan(project, author=members["owner"], text="# S\n\n## A\n\ntext\n")
    slot = plan.signoff_slots.get()
    slot.assign(members["reviewer"], by=members["owner"])
    markers = [marker(i) for i in range(len(PAYLOADS))]
    data = {
        "decision": "declined",
        "reason": every_payload(sep="\n"),
        "content_hash": review_plan(plan).content_hash,
        "password": PASSWORD,
    }
    answer = reviewer.post(plan_url(plan, "signoff_decide", slot.pk), data, **HX)
    pages.check("decision answer (partial)", answer, markers, plain=True)
    pages.check("sign-offs page", owner.get(plan_url(plan, "signoffs")), markers, plain=True)
    plan_pages(pages, owner, plan, markers, plain=True)
    pages.check("activity", owner.get(plan_url(plan, "plan_activity")), markers, plain=True)
    pages.done()


def test_signoff_slot_names(members, project):
    """Sign-off names come from the plan's own Approvals list (here: an imported plan)."""
    pages = Pages("sign-off slot name")
    owner, reviewer = login(members["owner"]), login(members["reviewer"])
    usable = [i for i, p in enumerate(PAYLOADS) if "*" not in p.text]  # ** ends the name
    approvals = "".join(f"- **{item(i, one_line=True)[:190]}**: [Name]\n" for i in usable)
    plan = make_plan(project, author=members["owner"], text=f"# P\n\n## Approvals\n\n{approvals}")
    assert plan.signoff_slots.count() == len(usable)
    for slot in plan.signoff_slots.all():
        slot.assign(members["reviewer"], by=members["owner"])
    markers = [marker(i) for i in usable]
    plan_pages(pages, owner, plan, markers, plain=True)
    pages.check("sign-offs page", owner.get(plan_url(plan, "signoffs")), markers, plain=True)
    pages.check("activity", owner.get(plan_url(plan, "plan_activity")), markers, plain=True)
    dashboard = reviewer.get(reverse("dashboard"))  # the 20 sign-offs waiting, newest plan first
    shown = [m for m in markers if m in audit(dashboard.content.decode()).markers]
    assert len(shown) == min(20, len(markers))
    pages.check("reviewer's dashboard", dashboard, shown, plain=True)
    pages.done()


# --- Plans and templates ----------------------------------------------------------------------


def title_pages(pages: Pages, client: Client, plan: Plan, markers) -> None:
    """The pages besides the plan page that name a plan (title, breadcrumbs, <title>, and the
    print view's CSS)."""
    section = plan.sections.exclude(level=0).last()
    titles = plan.plain_title
    pages.check("print view", client.get(plan_url(plan, "plan_print")), markers, shown_in=titles)
    pages.check("activity", client.get(plan_url(plan, "plan_activity")), markers, plain=True)
    pages.check("comments page", client.get(plan_url(plan, "comments", section.pk)), markers)
    pages.check(
        "section history", client.get(plan_url(plan, "section_history", section.pk)), markers
    )


@pytest.mark.parametrize("field", ["placeholder", "title"])
def test_plan_title_from_new_plan_form(members, project, field):
    """New plan form: the title placeholder fields (each value replaces its [placeholder] in the
    title and in the text) or, for a template without placeholders, the title field."""
    pages = Pages(f"plan title ({field} field)")
    owner = login(members["owner"])
    if field == "placeholder":
        source = "# Plan: [Feature Name] / [X]\n\n## About [Feature Name]\n\nFor [X].\n"
        fields, limit = ["placeholder_0", "placeholder_1"], 200
    else:
        source, fields, limit = "# Fixed title\n\n## About\n\ntext\n", ["title"], 490
    template = PlanTemplate.create_uploaded(project=project, text=source, name="T", author=None)
    new_url = reverse("plan_new", args=[project.slug])
    title_packs = packs(limit)
    groups = [title_packs[i : i + len(fields)] for i in range(0, len(title_packs), len(fields))]
    all_markers, plain_titles = [], []
    for group in groups:
        data = {"template": template.pk, **{key: "filler" for key in fields}}
        data.update({key: text for key, (text, _) in zip(fields, group, strict=False)})
        markers = [m for _, pack_markers in group for m in pack_markers]
        refused = owner.post(new_url, {**data, fields[0]: data[fields[0]] + "\nsecond line"})
        pages.check("refused form (echo)", refused, markers, status=422, plain=True)
        created = owner.post(new_url, data, follow=True)
        pages.check("plan page after creation (flash)", created, markers, plain=True)
        plan = Plan.objects.filter(project=project).latest("pk")
        title_pages(pages, owner, plan, markers)
        all_markers += markers
        plain_titles.append(plan.plain_title)
    assert len(groups) <= 20, "the dashboard lists the 20 plans changed last"
    shown = "\n".join(plain_titles)
    project_page = owner.get(project.get_absolute_url())
    pages.check("project page", project_page, all_markers, shown_in=shown)
    pages.check("dashboard", owner.get(reverse("dashboard")), all_markers, shown_in=shown)
    pages.done()


def test_uploaded_plan(members, project):
    """One imported Markdown file holding every payload in a heading and a body of its own."""
    pages = Pages("uploaded plan")
    owner = login(members["owner"])
    title, title_markers = packs(480)[0]
    response = owner.post(
        reverse("plan_import", args=[project.slug]),
        {"file": upload(markdown_document(title)), "kind": "plan", "name": ""},
        follow=True,
    )
    markers = [marker(i) for i in range(len(PAYLOADS))]
    pages.check("plan page after import (flash)", response, markers)
    plan = Plan.objects.filter(project=project).latest("pk")
    plan_pages(pages, owner, plan, markers)
    shown = plan.plain_title
    project_page = owner.get(project.get_absolute_url())
    pages.check("project page", project_page, title_markers, shown_in=shown)
    pages.check("dashboard", owner.get(reverse("dashboard")), title_markers, shown_in=shown)
    pages.done()


def test_uploaded_file_name(members, project):
    """The uploaded file's name: the plan's title when the file has no # title, and named in
    the error when the file is refused. (Only payloads a file name can hold: no / \\ or ".)"""
    pages = Pages("uploaded file name")
    owner = login(members["owner"])
    url = reverse("plan_import", args=[project.slug])
    usable = [i for i, p in enumerate(PAYLOADS) if not set('/\\"\n') & set(p.text)]
    for text, markers in packs(150, indices=usable):
        name = f"{text}.md"
        refused = owner.post(url, {"file": upload("no heading", name), "kind": "plan"})
        pages.check("refused import (error)", refused, markers, status=422, plain=True)
        imported = owner.post(url, {"file": upload("## H2\n\ntext\n", name), "kind": "plan"})
        assert imported.status_code == 302, imported.content[:500]
        plan = Plan.objects.filter(project=project).latest("pk")
        pages.check("plan page", owner.get(plan.get_absolute_url()), markers, plain=True)
    assert len(usable) >= 15
    pages.done()


def test_uploaded_template(members, project):
    """Templates uploaded through the import view: named by their # title or by the name field;
    shown in the template chooser, on the new-plan page (name, title, outline), and on the pages
    of a plan made from it."""
    pages = Pages("uploaded template")
    owner = login(members["owner"])
    url = reverse("plan_import", args=[project.slug])
    new_url = reverse("plan_new", args=[project.slug])
    names = packs(200)
    for number, (text, markers) in enumerate(names):
        # Alternately the name field and the file's # title name the template.
        if number % 2:
            data = {"file": upload("# Title\n\n## A\n\ntext\n"), "kind": "template", "name": text}
        else:
            data = {"file": upload(f"# {text}\n\n## A\n\ntext\n"), "kind": "template", "name": ""}
        response = owner.post(url, data, follow=True)
        pages.check("new-plan page after upload (flash)", response, markers, plain=True)
        # Refused (a name is one line): the name comes back in the form.
        refused = owner.post(url, {**data, "file": upload("# T\n"), "name": text + "\nx"})
        pages.check("refused import form (echo)", refused, markers, status=422, plain=True)
    all_markers = [marker(i) for i in range(len(PAYLOADS))]
    pages.check("template chooser", owner.get(new_url), all_markers, plain=True)

    # One template whose outline holds every payload as a heading, and every payload as text.
    document = markdown_document("Outline template")
    response = owner.post(url, {"file": upload(document), "kind": "template", "name": ""})
    assert response.status_code == 302
    template = PlanTemplate.objects.get(project=project, name="Outline template")
    chosen = owner.get(f"{new_url}?template={template.pk}")
    pages.check("new-plan page (outline)", chosen, all_markers, plain=True)
    created = owner.post(new_url, {"template": template.pk, "title": "From the template"})
    assert created.status_code == 302
    plan = Plan.objects.filter(project=project).latest("pk")
    plan_pages(pages, owner, plan, all_markers)
    pages.done()


# --- Projects, members, tokens ----------------------------------------------------------------


def test_project_name_and_description(members, project):
    """The project form (new project, settings): name and description on every project page,
    the dashboard, a plan's breadcrumbs and the print view (whose CSS holds the name)."""
    pages = Pages("project name and description")
    owner = login(members["owner"])
    description = every_payload(sep="\n")
    all_markers = [marker(i) for i in range(len(PAYLOADS))]
    name_packs = packs(200)
    for number, (name, markers) in enumerate(name_packs):
        data = {"name": name, "slug": f"xss-{number}", "description": description}
        refused = owner.post(reverse("project_new"), {**data, "slug": "new"})  # a reserved slug
        pages.check("refused project form (echo)", refused, all_markers, status=422, plain=True)
        created = owner.post(reverse("project_new"), data, follow=True)
        pages.check("project page after creation (flash)", created, all_markers, plain=True)
        other = Project.objects.get(slug=f"xss-{number}")
        slug = other.slug
        pages.check("members page", owner.get(reverse("members", args=[slug])), markers)
        settings = owner.get(reverse("project_settings", args=[slug]))
        pages.check("settings form", settings, all_markers, plain=True)
        pages.check("new-plan page", owner.get(reverse("plan_new", args=[slug])), markers)
        plan = make_plan(other, author=members["owner"], text="# P\n\n## A\n\ntext\n")
        pages.check("plan page", owner.get(plan.get_absolute_url()), markers, plain=True)
        pages.check("print view", owner.get(plan_url(plan, "plan_print")), markers, plain=True)
    pages.check("dashboard", owner.get(reverse("dashboard")), all_markers, plain=True)
    # The settings form edits the name: refused (approvals must be a number), it is echoed.
    for name, _ in name_packs:
        data = {"name": name, "description": description, "required_approvals": "many"}
        refused = owner.post(reverse("project_settings", args=[project.slug]), data)
        pages.check("refused settings form (echo)", refused, all_markers, status=422, plain=True)
    pages.done()


def test_member_add_username(members, project):
    """An unknown username is echoed in the error message and in the field."""
    pages = Pages("member-add username")
    owner = login(members["owner"])
    for text, markers in packs(150):
        response = owner.post(
            reverse("members", args=[project.slug]), {"username": text, "role": "viewer"}
        )
        pages.check("refused member form (echo)", response, markers, status=422, plain=True)
    pages.done()


def test_api_token_name(members):
    """Token names: on the page that shows the new token, in the list, and echoed in the
    error for a duplicate (or too long) name."""
    pages = Pages("API token name")
    owner = login(members["owner"])
    url = reverse("api_tokens")
    created_markers = []
    for text, markers in packs(100):
        response = owner.post(url, {"name": text})
        if len(text) <= 100:
            pages.check("new token page", response, markers, status=201, plain=True)
            duplicate = owner.post(url, {"name": text})
            pages.check("refused duplicate (echo)", duplicate, markers, status=422, plain=True)
            created_markers += markers
        else:
            pages.check("refused long name (echo)", response, markers, status=422, plain=True)
    pages.check("token list", owner.get(url), created_markers, plain=True)
    pages.done()


def test_payload_list_is_broad():
    kinds = {
        "script": lambda p: "<script" in p.text.lower(),
        "handler": lambda p: " on" in p.text.lower(),
        "markdown javascript: link": lambda p: p.text.startswith("[") and "script:" in p.text,
        "data: URL": lambda p: "data:" in p.text,
        "svg": lambda p: "<svg" in p.text,
        "iframe": lambda p: "<iframe" in p.text,
        "mermaid": lambda p: "mermaid" in p.text,
        "entity obfuscation": lambda p: "&#" in p.text,
    }
    assert len(PAYLOADS) >= 40
    for kind, test in kinds.items():
        assert any(test(p) for p in PAYLOADS), kind
    assert all(isinstance(p, Payload) for p in PAYLOADS)
