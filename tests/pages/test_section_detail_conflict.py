"""The conflict view: the editor holds the merge, each clash a marked hunk to choose."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from planhub.document.merging import parse_markers
from planhub.plans.models import Section, SectionRevision
from tests.factories import make_plan

HX = {"HTTP_HX_REQUEST": "true"}
LINES = [f"line {n}" for n in range(1, 12)]
BASE = "\n".join(LINES)
TEXT = "# Plan\n\n## Scope\n\n" + BASE + "\n\n## Risks\n\nnone\n"


@pytest.fixture
def doc(project, owner):
    return make_plan(project, owner, text=TEXT)


def scope(plan, heading="Scope") -> Section:
    found = Section.objects.get(plan=plan, heading=heading)
    found.plan = plan
    return found


def url(section) -> str:
    return reverse("section_detail", args=[section.plan.project.slug, section.plan_id, section.pk])


def with_lines(**changes) -> str:
    """BASE with line n replaced by changes[f"l{n}"]."""
    return "\n".join(changes.get(f"l{n}", line) for n, line in enumerate(LINES, 1))


def textarea(html: str) -> str:
    found = re.search(r'<textarea[^>]*name="body"[^>]*>\n(.*?)</textarea>', html, re.S)
    return html_lib.unescape(found.group(1))


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def bob_then_alice(client, doc, owner, editor, alice_text, headers=HX, heading="Scope"):
    """Bob (the owner) changes lines 5 and 9 and saves; Alice (the editor) saves on v1."""
    scope(doc).save_edit(
        author=owner, heading="Scope", body=with_lines(l5="BOB 5", l9="BOB 9"), base_version=1
    )
    client.force_login(editor)
    data = {"heading": heading, "body": alice_text, "version": 1}
    return client.post(url(scope(doc)), data, **headers)


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "page"])
def test_bob_alice_proposal_keeps_bobs_other_line_and_the_resolution_saves(
    client, doc, owner, editor, headers
):
    response = bob_then_alice(client, doc, owner, editor, with_lines(l5="ALICE 5"), headers)
    assert response.status_code == 409
    html = response.content.decode()
    assert ("<html" in html) is (not headers)
    body = textarea(html)
    # Bob's line 9 is already in; line 5 is a hunk: hers, then his, between markers.
    assert body == with_lines(
        l5="<<<<<<< your text\nALICE 5\n=======\nBOB 5\n>>>>>>> olivia's version 2",
        l9="BOB 9",
    )
    assert hidden(html, "version") == "2" and hidden(html, "resolving") == "2"
    assert "olivia changed the same lines while you were editing" in html
    assert "1 part you both changed is marked in the text" in html
    # The chooser: both texts, word-highlighted, and the four choices.
    assert "Conflicting part 1 of 1" in html
    assert "<ins>ALICE" in html
    for label in ("Mine", "Theirs", "Both, mine first", "Both, theirs first"):
        assert f">{label}</button>" in html
    assert 'data-choice="[&quot;ALICE 5&quot;, &quot;BOB 5&quot;]"' in html

    resolved = parse_markers(body).text("mine_first")
    data = {"heading": "Scope", "body": resolved, "version": 2, "resolving": 2}
    response = client.post(url(scope(doc)), data, **headers)
    assert response.status_code == (200 if headers else 302)
    saved = scope(doc)
    assert saved.editable_body == with_lines(l5="ALICE 5\nBOB 5", l9="BOB 9")
    revision = saved.revisions.get(version=3)
    assert (revision.note, revision.author) == ("Resolved a conflict with version 2", editor)


def test_saving_with_markers_left_is_refused_and_the_text_kept(client, doc, owner, editor):
    response = bob_then_alice(client, doc, owner, editor, with_lines(l5="ALICE 5", l9="ALICE 9"))
    body = textarea(response.content.decode())
    assert parse_markers(body).text().count("<<<<<<< your text") == 2
    edited = body.replace("line 1\n", "line 1 (edited while resolving)\n")
    data = {"heading": "Scope", "body": edited, "version": 2, "resolving": 2}
    response = client.post(url(scope(doc)), data, **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Not saved: 2 conflicting parts are still marked in the text." in html
    assert textarea(html) == edited
    assert hidden(html, "resolving") == "2" and hidden(html, "version") == "2"
    assert "Conflicting part 2 of 2" in html  # the choices are offered again
    assert scope(doc).version == 2

    # One part resolved, one left: still refused, now naming one.
    half = parse_markers(edited)
    data["body"] = half.text({0: "theirs"})
    html = client.post(url(scope(doc)), data, **HX).content.decode()
    assert "Not saved: 1 conflicting part is still marked in the text." in html


def test_a_normal_save_may_contain_marker_lines(client, doc, editor):
    client.force_login(editor)
    text = "How a git conflict looks:\n\n<<<<<<< your text\nmine\n=======\ntheirs\n>>>>>>> x"
    response = client.post(url(scope(doc)), {"heading": "Scope", "body": text, "version": 1}, **HX)
    assert response.status_code == 200
    assert scope(doc).editable_body == text


def test_without_a_base_revision_the_whole_text_is_one_hunk(client, doc, owner, editor):
    bob_text = with_lines(l5="BOB 5")
    scope(doc).save_edit(author=owner, heading="Scope", body=bob_text, base_version=1)
    SectionRevision.objects.filter(section=scope(doc), version=1).delete()
    client.force_login(editor)
    data = {"heading": "Scope", "body": "Alice's text", "version": 1}
    response = client.post(url(scope(doc)), data, **HX)
    assert response.status_code == 409
    hunks = parse_markers(textarea(response.content.decode())).hunks
    assert [(h.mine, h.theirs) for h in hunks] == [(("Alice's text",), tuple(bob_text.split("\n")))]


def test_heading_changed_on_one_side_only_is_applied(client, doc, owner, editor):
    scope(doc).save_edit(
        author=owner, heading="Scope and goals", body=with_lines(l5="BOB 5"), base_version=1
    )
    client.force_login(editor)
    data = {"heading": "Scope", "body": with_lines(l5="ALICE 5"), "version": 1}
    html = client.post(url(scope(doc, "Scope and goals")), data, **HX).content.decode()
    assert 'name="heading" value="Scope and goals"' in html
    assert "The heading</h3>" not in html


def test_heading_changed_on_both_sides_is_a_choice(client, doc, owner, editor):
    scope(doc).save_edit(author=owner, heading="Bob's scope", body=BASE, base_version=1)
    client.force_login(editor)
    data = {"heading": "Alice's scope", "body": with_lines(l2="ALICE 2"), "version": 1}
    response = client.post(url(scope(doc, "Bob's scope")), data, **HX)
    assert response.status_code == 409
    html = response.content.decode()
    # Only the heading clashed: the body is merged (Alice's line in), the heading hers,
    # editable, with Bob's offered beside it.
    assert textarea(html) == with_lines(l2="ALICE 2")
    assert 'name="heading" value="Alice&#x27;s scope"' in html
    assert "The heading</h3>" in html and 'data-heading="Bob&#x27;s scope"' in html
    assert "You both changed the heading" in html


def test_the_conflict_view_escapes_both_texts(client, doc, owner, editor):
    scope(doc).save_edit(
        author=owner, heading="Scope", body=with_lines(l5="<b>bob</b> & co"), base_version=1
    )
    client.force_login(editor)
    data = {"heading": "Scope", "body": with_lines(l5="<script>x</script>"), "version": 1}
    html = client.post(url(scope(doc)), data, **HX).content.decode()
    assert "<script>x" not in html and "<b>bob" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;bob&lt;/b&gt; &amp; co" in html
