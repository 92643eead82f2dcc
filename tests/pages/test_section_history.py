"""Section history says who wrote each version: nobody for a template's text, everyone for a
version that merged concurrent edits."""

import re
from html import unescape

from django.urls import reverse

from tests.factories import make_plan


def history_rows(client, section) -> list[list[str]]:
    url = reverse("section_history", args=[section.plan.project.slug, section.plan_id, section.pk])
    html = client.get(url).content.decode()
    rows = re.findall(r'<tr id="version-\d+">(.*?)</tr>', html, re.S)
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def test_template_text_is_from_the_template_and_merges_name_both_writers(
    client, project, owner, editor
):
    plan = make_plan(project, owner)
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    base = section.version
    text = section.editable_body
    section.save_edit(author=editor, heading="Overview", body="Top.\n\n" + text, base_version=base)
    section.save_edit(author=owner, heading="Overview", body=text + "\n\nEnd.", base_version=base)
    client.force_login(owner)
    rows = history_rows(client, section)
    by = [(row[0].split()[0], row[1], row[3]) for row in rows]
    assert by[0] == ("3", "eddie and olivia", "Merged with eddie's version 2")
    assert by[1] == ("2", "eddie", "")
    # The origin stands as the byline, once, not repeated as a note.
    assert by[2] == ("1", "From template “Feature plan”", "")


def test_history_queries_do_not_grow_with_versions(
    client, project, owner, editor, django_assert_max_num_queries
):
    plan = make_plan(project, owner)
    section = plan.sections.get(heading="Overview")
    section.plan = plan
    for version in range(1, 13):
        author = editor if version % 2 else owner
        section.save_edit(
            author=author, heading="Overview", body=f"v{version + 1}", base_version=version
        )
    client.force_login(owner)
    url = reverse("section_history", args=[project.slug, plan.pk, section.pk])
    # +1: the top bar's unread count; +1: discarded drafts
    with django_assert_max_num_queries(9):
        html = client.get(url).content.decode()
    assert html.count('<tr id="version-') == 13
