"""A plan's reference-link definitions serve every section (Plan.references), and a change to
them re-renders the sections that use them: on import, save, restore, delete, restore, move."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from planhub.plans.models import Plan, Section
from planhub.plans.restructuring import delete_section, move, restore_section
from tests.factories import make_plan

TEXT = (
    "# Plan\n\n"
    "## Why\n\nAs [cargo manifests][RFC 3502] do, see [kubernetes.io].\n\n"
    "## Scope\n\nPlain words.\n\n"
    "## Notes\n\nA claim[^1].\n\n[^1]: Measured.\n\n"
    "## References\n\n[RFC 3502]: https://rfc.example/3502\n[kubernetes.io]: https://kubernetes.io/\n"
)


def _plan(project, owner, text=TEXT) -> Plan:
    return make_plan(project, owner, text=text)


def _html(plan, heading) -> str:
    return Section.objects.get(plan=plan, heading=heading).body_html


def _section(plan, heading) -> Section:
    found = Section.objects.select_related("plan").get(plan=plan, heading=heading)
    return found


def test_a_definition_in_a_later_section_serves_an_earlier_one(project, owner):
    plan = _plan(project, owner)
    why = _html(plan, "Why")
    assert '<a href="https://rfc.example/3502"' in why and ">cargo manifests</a>" in why
    assert '<a href="https://kubernetes.io/"' in why and "[" not in why
    assert set(plan.references) == {"RFC 3502", "KUBERNETES.IO"}
    assert plan.to_markdown() == TEXT  # the round trip stays byte-exact


def test_footnote_ids_carry_the_sections_id(project, owner):
    plan = _plan(project, owner)
    notes = Section.objects.get(plan=plan, heading="Notes")
    assert f'id="user-content-fnref-{notes.pk}-1"' in notes.body_html
    assert f'id="user-content-fn-{notes.pk}-1"' in notes.body_html
    assert notes.revisions.get(version=1).body_html == notes.body_html


def test_changing_a_definition_re_renders_the_sections_using_it(project, owner, editor):
    plan = _plan(project, owner)
    scope_before = _html(plan, "Scope")
    references = _section(plan, "References")
    assert references.save_edit(
        author=editor,
        heading="References",
        body="[RFC 3502]: https://rfc.example/new\n[kubernetes.io]: https://kubernetes.io/",
        base_version=1,
    )
    assert '<a href="https://rfc.example/new"' in _html(plan, "Why")
    assert _html(plan, "Scope") == scope_before
    assert Plan.objects.get(pk=plan.pk).references["RFC 3502"]["href"] == "https://rfc.example/new"
    why = _section(plan, "Why")
    assert why.version == 1  # re-rendered, not a new version


def test_a_definition_added_in_the_section_that_uses_it(project, owner, editor):
    plan = _plan(project, owner, "# P\n\n## A\n\nSee [spec].\n\n## B\n\nUses [spec] too.\n")
    assert "[spec]" in _html(plan, "B")
    _section(plan, "A").save_edit(
        author=editor,
        heading="A",
        body="See [spec].\n\n[spec]: https://spec.example/",
        base_version=1,
    )
    assert '<a href="https://spec.example/"' in _html(plan, "A")
    assert '<a href="https://spec.example/"' in _html(plan, "B")
    revision = Section.objects.get(plan=plan, heading="A").revisions.get(version=2)
    assert '<a href="https://spec.example/"' in revision.body_html


def test_a_save_that_does_not_touch_definitions_costs_no_extra_query(project, owner, editor):
    plain = _section(_plan(project, owner, "# P\n\n## A\n\nText.\n\n## B\n\nMore.\n"), "A")
    with CaptureQueriesContext(connection) as baseline:
        plain.save_edit(author=editor, heading="A", body="Text 2.", base_version=1)
    plan = _plan(project, owner)
    why = _section(plan, "Why")
    with CaptureQueriesContext(connection) as linked:
        why.save_edit(
            author=editor, heading="Why", body="Now [kubernetes.io] only.", base_version=1
        )
    assert len(linked) == len(baseline)
    assert '<a href="https://kubernetes.io/"' in _html(plan, "Why")


def test_deleting_and_restoring_the_defining_section(project, owner):
    plan = _plan(project, owner)
    references = _section(plan, "References")
    delete_section(references, owner)
    why = _html(plan, "Why")
    assert "[cargo manifests][RFC 3502]" in why and "<a " not in why
    assert Plan.objects.get(pk=plan.pk).references == {}
    restore_section(references, owner)
    assert '<a href="https://rfc.example/3502"' in _html(plan, "Why")


def test_moving_sections_changes_which_definition_comes_first(project, owner):
    plan = _plan(
        project,
        owner,
        "# P\n\n## A\n\n[x]\n\n[x]: https://a.example/\n\n## B\n\n[x]: https://b.example/\n",
    )
    assert 'href="https://a.example/"' in _html(plan, "A")
    move(_section(plan, "B"), owner, up=True)
    assert 'href="https://b.example/"' in _html(plan, "A")


def test_the_migration_fills_references_and_renders_sections_again(project, owner):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("planhub.plans.migrations.0011_plan_references")
    plan = _plan(project, owner)
    Plan.objects.filter(pk=plan.pk).update(references={})
    Section.objects.filter(plan=plan).update(body_html="<p>old</p>")
    migration.fill_references(apps, None)
    assert Plan.objects.get(pk=plan.pk).references == plan.references
    assert '<a href="https://rfc.example/3502"' in _html(plan, "Why")
    notes = Section.objects.get(plan=plan, heading="Notes")
    assert f'id="user-content-fn-{notes.pk}-1"' in notes.body_html
