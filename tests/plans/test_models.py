import pytest

from planhub.plans import restructuring
from planhub.plans.builtin_templates import BUILTIN_TEMPLATES, read_seed
from planhub.plans.models import (
    EditConflict,
    Plan,
    PlanTemplate,
    Section,
    SectionDeleted,
    SectionRevision,
)
from tests.factories import builtin_template, make_plan

from .conftest import TEMPLATE_TEXT, section

pytestmark = pytest.mark.django_db


def test_builtin_templates_are_loaded_byte_identical():
    for slug in BUILTIN_TEMPLATES:
        assert PlanTemplate.objects.get(project=None, slug=slug).source == read_seed(slug)


@pytest.mark.parametrize(
    ("slug", "placeholders"),
    [
        ("feature-plan", ["Feature Name"]),
        ("technical-approach-plan", ["FEATURE"]),
        ("phase-plan", ["X", "Phase Name"]),
        ("implementation-plan", []),
    ],
)
def test_title_placeholders(slug, placeholders):
    assert builtin_template(slug).title_placeholders() == placeholders


def test_plan_from_template_fills_title_placeholders_everywhere(project, owner):
    template = builtin_template("phase-plan")
    plan = Plan.create_from_template(
        project=project, template=template, author=owner, values={"X": "3", "Phase Name": "Billing"}
    )
    assert plan.title == "Implementation Plan: Phase 3 - Billing"
    expected = template.source.replace("[X]", "3").replace("[Phase Name]", "Billing")
    assert plan.to_markdown() == expected


@pytest.mark.parametrize("slug", BUILTIN_TEMPLATES)
def test_untouched_plan_exports_its_template(project, owner, slug):
    template = builtin_template(slug)
    values = {name: f"[{name}]" for name in template.title_placeholders()}
    plan = Plan.create_from_template(
        project=project, template=template, author=owner, values=values
    )
    assert plan.to_markdown() == template.source


def test_template_without_placeholders_takes_a_new_title(project, owner):
    template = builtin_template("implementation-plan")
    plan = Plan.create_from_template(
        project=project, template=template, author=owner, values={}, title="Search rewrite"
    )
    assert plan.title == "Search rewrite"
    assert plan.to_markdown() == template.source.replace(
        "# Implementation Plan Template", "# Search rewrite", 1
    )


def test_every_section_starts_with_revision_one(plan, owner):
    sections = list(plan.sections.all())
    assert len(sections) == 35
    revisions = SectionRevision.objects.filter(section__plan=plan)
    assert revisions.count() == 35
    assert set(revisions.values_list("version", flat=True)) == {1}
    # The template's text: nobody in the project wrote it, not even the plan's creator.
    assert all(r.author is None and not r.authors.exists() for r in revisions)
    assert {r.note for r in revisions} == {"From template “Feature plan”"}
    assert {r.byline for r in revisions} == {"From template “Feature plan”"}


def _section(plan, heading):
    section = plan.sections.get(heading=heading)
    section.plan = plan
    return section


def test_save_edit_records_a_revision_and_renders(plan, editor):
    section = _section(plan, "Overview")
    assert section.save_edit(
        author=editor, heading="Overview", body="| a |\n|---|\n| 1 |", base_version=1
    )
    section.refresh_from_db()
    assert section.version == 2
    assert '<td dir="auto">1</td>' in section.body_html
    revision = section.revisions.get(version=2)
    assert (revision.author, revision.body) == (editor, section.body)


def test_save_keeps_the_blank_lines_around_the_text(plan, editor):
    section = _section(plan, "Overview")
    before = plan.to_markdown()
    original = section.body
    section.save_edit(
        author=editor, heading="Overview", body="New text.\r\nSecond line.", base_version=1
    )
    section.refresh_from_db()
    assert original.startswith("\n") and original.endswith("---\n\n")
    assert section.body == "\nNew text.\nSecond line.\n\n"
    assert before.replace(original, section.body) == plan.to_markdown()


def test_unchanged_save_creates_no_revision(plan, editor):
    section = _section(plan, "Overview")
    assert not section.save_edit(
        author=editor, heading="Overview", body=section.editable_body, base_version=1
    )
    assert section.revisions.count() == 1


def test_stale_version_raises_conflict_and_saves_nothing(plan, editor, owner):
    section = _section(plan, "Overview")
    section.save_edit(author=owner, heading="Overview", body="theirs", base_version=1)
    stale = _section(plan, "Overview")
    stale.version = 1
    with pytest.raises(EditConflict) as caught:
        stale.save_edit(author=editor, heading="Overview", body="mine", base_version=1)
    assert caught.value.current.version == 2
    assert caught.value.current.updated_by == owner
    assert _section(plan, "Overview").editable_body == "theirs"
    assert stale.revisions.count() == 2


def test_renaming_the_h1_renames_the_plan(plan, editor):
    title = plan.sections.get(level=1)
    title.plan = plan
    title.save_edit(
        author=editor, heading="Calendar sync", body=title.editable_body, base_version=1
    )
    plan.refresh_from_db()
    assert plan.title == "Calendar sync"
    assert plan.to_markdown().startswith("# Calendar sync\n")


def test_renamed_heading_keeps_level_and_line_endings(project, owner):
    plan = make_plan(project, owner, text="# T\r\n\r\n## Old ##\r\nbody\r\n")
    section = _section(plan, "Old")
    section.save_edit(author=owner, heading="New", body="body\nmore", base_version=1)
    assert plan.to_markdown() == "# T\r\n\r\n## New\r\nbody\r\nmore\r\n"


def test_plan_without_h1_uses_given_title_and_exports_unchanged(project, owner):
    text = "intro\n\n## Only h2\ntext"
    plan = Plan.create_from_markdown(project=project, text=text, author=owner, title="notes")
    assert plan.title == "notes"
    assert plan.to_markdown() == text


def test_editing_the_last_section_without_final_newline(project, owner):
    plan = make_plan(project, owner, text="# T\n## Last")
    section = _section(plan, "Last")
    section.save_edit(author=owner, heading="Last", body="now with text", base_version=1)
    assert plan.to_markdown() == "# T\n## Last\nnow with text\n\n"


def test_heading_change_and_body_change_merge(doc, owner, editor):
    scope_id = section(doc, "Scope").pk
    section(doc, "Scope").save_edit(author=owner, heading="Scope", body="new body", base_version=1)
    result = section(doc, "Scope").save_edit(
        author=editor,
        heading="Scope and goals",
        body="line one\nline two\nline three",
        base_version=1,
    )
    assert result and result.merged_with[0][1] == 2
    scope = Section.objects.get(pk=scope_id)
    assert (scope.heading, scope.editable_body) == ("Scope and goals", "new body")
    assert "## Scope and goals\n\nnew body\n\n## Risks" in doc.to_markdown()


def test_conflict_carries_current_and_base(doc, owner, editor):
    section(doc, "Scope").save_edit(
        author=owner, heading="Scope", body="line one\nTWO\nline three", base_version=1
    )
    with pytest.raises(EditConflict) as caught:
        section(doc, "Scope").save_edit(
            author=editor, heading="Scope", body="line one\nzwei\nline three", base_version=1
        )
    assert caught.value.current.version == 2 and caught.value.base.version == 1


# --- templates: rendered once, when saved ---------------------------------------------------


def test_saving_a_template_renders_its_markdown_and_reads_its_outline(project, editor):
    from planhub.document.rendering import render_markdown

    template = PlanTemplate.create_uploaded(project=project, text=TEMPLATE_TEXT, name="Runbook")
    assert template.rendered_html == render_markdown(TEMPLATE_TEXT)
    assert template.outline() == [
        (1, "Runbook: [Service]"),
        (2, "Alerts"),
        (3, "Paging"),
        (2, "Rollback"),
    ]
    template.source = "# Other\n\n## Only\n"
    template.save()
    template.refresh_from_db()
    assert '<h2 dir="auto">Only</h2>' in template.rendered_html and template.title_line() == "Other"
    assert template.title_placeholders() == []


def test_archiving_does_not_render_again(project, editor, uploaded, monkeypatch):
    def no_rendering(text):
        raise AssertionError("rendered again")

    monkeypatch.setattr("planhub.plans.models.render_markdown", no_rendering)
    uploaded.set_archived(True, editor)
    uploaded.set_archived(False)


def test_builtin_templates_are_rendered_when_seeded(db):
    from planhub.document.rendering import render_markdown

    for slug in BUILTIN_TEMPLATES:
        template = builtin_template(slug)
        assert template.rendered_html == render_markdown(read_seed(slug))
        assert len(template.outline()) > 5


def test_migration_0007_renders_existing_templates(project, uploaded):
    import importlib
    from types import SimpleNamespace

    PlanTemplate.objects.filter(pk=uploaded.pk).update(rendered_html="", headings=[])
    migration = importlib.import_module("planhub.plans.migrations.0007_template_html")
    migration.render_templates(SimpleNamespace(get_model=lambda app, name: PlanTemplate), None)
    uploaded.refresh_from_db()
    assert '<h3 dir="auto">Paging</h3>' in uploaded.rendered_html
    assert uploaded.outline()[1:3] == [(2, "Alerts"), (3, "Paging")]
    assert builtin_template("phase-plan").rendered_html  # every row, built-in ones too


def test_save_edit_on_a_deleted_section_raises_section_deleted(doc, editor, owner):
    loaded = Section.objects.select_related("plan").get(plan=doc, heading="Scope")
    restructuring.delete_section(section(doc, "Scope"), owner)
    with pytest.raises(SectionDeleted) as raised:
        loaded.save_edit(author=editor, heading="Scope", body="mine", base_version=1)
    assert raised.value.section.deleted_by == owner
    assert Section.all_objects.get(pk=loaded.pk).version == 1
    assert SectionRevision.objects.filter(section_id=loaded.pk).count() == 1
