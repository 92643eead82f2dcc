"""references.py: a text's reference-link definitions, and a plan's merged in document order."""

from hypothesis import given, settings
from hypothesis import strategies as st

from planhub.document.references import merge_references, plan_references, text_references


def test_a_texts_definitions_with_markdown_its_labels():
    found = text_references(
        'Text.\n\n[RFC  3502]: https://rfc.example/3502 "Cargo"\n[k8s]: <https://k8s.example/>\n'
    )
    assert found == {
        "RFC 3502": {"href": "https://rfc.example/3502", "title": "Cargo"},
        "K8S": {"href": "https://k8s.example/", "title": ""},
    }


def test_no_definitions_in_code_comments_front_matter_or_footnotes():
    text = (
        "---\n[fm]: https://fm.example/\n---\n"
        "```\n[code]: https://code.example/\n```\n\n"
        "    [indented]: https://indented.example/\n\n"
        "[^1]: https://footnote.example/\n"
    )
    assert text_references(text) == {}


def test_the_first_definition_in_document_order_wins():
    merged = plan_references(
        ["[a]: https://one.example/\n", "[A]: https://two.example/\n[b]: https://b.example/\n"]
    )
    assert merged == {
        "A": {"href": "https://one.example/", "title": ""},
        "B": {"href": "https://b.example/", "title": ""},
    }


def test_within_a_text_the_first_wins_too():
    found = text_references("[x]: https://1.example/\n[x]: https://2.example/\n")
    assert found == {"X": {"href": "https://1.example/", "title": ""}}


LABELS = st.sampled_from(["a", "B", "rfc 1", "RFC  1", "k"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.tuples(LABELS, st.integers(0, 9)), max_size=4), max_size=5))
def test_merging_is_the_whole_documents_definitions(sections):
    bodies = ["".join(f"[{label}]: https://{n}.example/\n\n" for label, n in s) for s in sections]
    assert plan_references(bodies) == text_references("".join(bodies))
    assert merge_references(text_references(b) for b in bodies) == plan_references(bodies)
