"""Plans, sections and comments are found by their current words: on PostgreSQL through their
stored, indexed documents (plans migration 0012, reviews 0007), which every write keeps
current."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planhub.plans import restructuring
from planhub.plans.models import Plan, Section
from planhub.reviews.models import Comment
from planhub.search.query import search
from tests.factories import make_plan

TEXT = """# Apollo launch

Launch window risks are listed below.

## Fuel

Kerosene and oxygen.
"""


@pytest.fixture
def plan(project, owner):
    return make_plan(project, author=owner, text=TEXT)


def found_sections(user, text: str) -> list[str]:
    return [hit.title for hit in search(user, text).hits if hit.kind == "section"]


def found(user, text: str) -> list[str]:
    return [hit.kind for hit in search(user, text).hits]


def test_an_edit_is_found_by_its_new_words_only(owner, plan):
    fuel = plan.sections.get(heading="Fuel")
    fuel.save_edit(
        author=owner, heading="Propellant", body="Methane now.\n", base_version=fuel.version
    )
    assert found_sections(owner, "methane") == ["Propellant"]
    assert found_sections(owner, "propellant") == ["<mark>Propellant</mark>"]
    assert found_sections(owner, "kerosene") == []
    assert found_sections(owner, "fuel") == []


def test_an_update_without_save_is_found_too(owner, plan):
    """update() skips save() and every signal: the stored document still follows."""
    Section.objects.filter(plan=plan, heading="Fuel").update(body="Hydrazine only.")
    assert len(found_sections(owner, "hydrazine")) == 1
    assert found_sections(owner, "kerosene") == []


def test_a_deleted_section_is_not_found(owner, plan):
    restructuring.delete_section(plan.sections.get(heading="Fuel"), owner)
    assert found_sections(owner, "kerosene") == []


def test_a_new_title_and_a_changed_comment_are_found_by_their_new_words(owner, plan):
    comment = Comment.objects.create(
        section=plan.sections.get(heading="Fuel"), author=owner, body="Too hot."
    )
    Plan.objects.filter(pk=plan.pk).update(title="Artemis launch")
    assert found(owner, "artemis") == ["plan"]
    assert found(owner, "hot") == ["comment"]
    Comment.objects.filter(pk=comment.pk).update(body="Too cold.")
    assert found(owner, "hot") == []
    assert found(owner, "cold") == ["comment"]


DOCUMENTS = {
    "plans_plan": "setweight(to_tsvector('english', coalesce(title, '')), 'A')",
    "plans_section": "setweight(to_tsvector('english', coalesce(heading, '')), 'B') "
    "|| setweight(to_tsvector('english', coalesce(body, '')), 'C')",
    "reviews_comment": "setweight(to_tsvector('english', coalesce(body, '')), 'D')",
}


@pytest.mark.postgres
def test_the_stored_documents_are_what_the_search_built_before(owner, plan):
    """Same config and weights as vector("title", "A"), vector("heading", "B") +
    vector("body", "C") and vector("body", "D")."""
    Comment.objects.create(section=plan.sections.first(), author=owner, body="Risky, see risks.")
    with connection.cursor() as cursor:
        for table, document in DOCUMENTS.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            assert cursor.fetchone()[0] > 0
            cursor.execute(f"SELECT count(*) FROM {table} WHERE search_document <> {document}")
            assert cursor.fetchone() == (0,), table


@pytest.mark.postgres
def test_a_title_word_left_out_still_finds_the_title_sections_text(owner, plan):
    """The H1 a title comes from is searched by its text only: `-apollo` does not hide it,
    though its stored document holds the heading's words too."""
    assert len(found_sections(owner, "risks -apollo")) == 1
    assert found_sections(owner, "risks -kerosene") == found_sections(owner, "risks")
    assert found_sections(owner, "kerosene -oxygen") == []
    assert len(found_sections(owner, "-apollo")) == 2  # nothing to look up: every section


@pytest.mark.postgres
def test_the_search_can_ask_the_indexes(owner, plan):
    """Each kind's query filters on its stored column with @@ (what its GIN index answers;
    whether the planner uses it depends on the table's size, so bench figures show that),
    for a plain query and one with a NOT."""
    for text in ("kerosene", "kerosene -apollo"):
        with CaptureQueriesContext(connection) as captured:
            search(owner, text)
        searches = [q["sql"] for q in captured if "search_document" in q["sql"]]
        assert len(searches) == len(DOCUMENTS)
        for sql, table in zip(searches, DOCUMENTS, strict=True):
            assert re.search(rf'"{table}"\."search_document"\)? @@ ', sql), sql
