import pytest

from planhub.plans.models import Section
from tests.factories import make_plan

from .conftest import HX, section, url


def test_section_get_is_a_partial_for_htmx_and_a_page_without(client, viewer, overview):
    client.force_login(viewer)
    partial = client.get(url(overview), **HX).content.decode()
    assert partial.lstrip().startswith("<section") and "<html" not in partial
    assert "<html" in client.get(url(overview)).content.decode()


def test_htmx_save_returns_the_section_and_triggers_outline_refresh(client, editor, overview):
    client.force_login(editor)
    data = {"heading": "Goals", "body": "- [ ] ship it", "version": 1}
    response = client.post(url(overview), data, **HX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == f'{{"sectionSaved": {{"id": {overview.pk}}}}}'
    html = response.content.decode()
    assert html.lstrip().startswith("<section") and "Goals" in html and 'type="checkbox"' in html
    overview.refresh_from_db()
    assert (overview.heading, overview.version) == ("Goals", 2)
    assert overview.revisions.get(version=2).author == editor


def test_plain_save_redirects_to_the_section_on_the_plan_page(client, editor, overview):
    client.force_login(editor)
    response = client.post(url(overview), {"heading": "Overview", "body": "x", "version": 1})
    assert response.status_code == 302
    assert response["Location"] == f"{overview.plan.get_absolute_url()}#section-{overview.pk}"


def test_stale_save_is_409_and_keeps_the_users_text(client, editor, owner, overview):
    client.force_login(owner)
    client.post(url(overview), {"heading": "Overview", "body": "owner's text", "version": 1})
    client.force_login(editor)
    mine = "my careful <paragraph> & more"
    response = client.post(url(overview), {"heading": "Overview", "body": mine, "version": 1}, **HX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "olivia changed the same lines while you were editing" in html
    # The whole text is one clash: both texts, between conflict markers, escaped.
    assert (
        "&lt;&lt;&lt;&lt;&lt;&lt;&lt; your text\nmy careful &lt;paragraph&gt; &amp; more\n"
        "=======\nowner&#x27;s text\n"
        "&gt;&gt;&gt;&gt;&gt;&gt;&gt; olivia&#x27;s version 2</textarea>"
    ) in html
    assert "owner&#x27;s text" in html or "owner's text" in html
    assert 'name="version" value="2"' in html
    overview.refresh_from_db()
    assert overview.editable_body == "owner's text" and overview.version == 2
    # Saving again, knowingly on top of version 2, succeeds.
    response = client.post(url(overview), {"heading": "Overview", "body": mine, "version": 2}, **HX)
    assert response.status_code == 200
    overview.refresh_from_db()
    assert overview.editable_body == mine and overview.revisions.count() == 3


def test_stale_save_without_htmx_is_a_409_page_with_the_text(client, editor, owner, overview):
    client.force_login(owner)
    client.post(url(overview), {"heading": "Overview", "body": "theirs", "version": 1})
    client.force_login(editor)
    response = client.post(url(overview), {"heading": "Overview", "body": "mine", "version": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html and "your text\nmine\n=======\ntheirs\n&gt;&gt;&gt;" in html


def test_oversized_body_is_refused_with_message_and_text_kept(client, editor, overview, settings):
    settings.SECTION_BODY_MAX_CHARS = 50
    client.force_login(editor)
    text = "word " * 20
    response = client.post(url(overview), {"heading": "Overview", "body": text, "version": 1}, **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "This section is 100 characters long; the limit is 50" in html
    assert text in html
    assert Section.objects.get(pk=overview.pk).version == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"heading": "", "body": "kept text", "version": 1}, "A heading cannot be empty."),
        ({"heading": "two\nlines", "body": "kept text", "version": 1}, "Use a single line."),
        (
            {"heading": "Overview", "body": "kept text", "version": "abc"},
            "The editor lost track of the version",
        ),
        ({"heading": "Overview", "body": "kept text"}, "The editor lost track of the version"),
        # int() takes "٣" for 3 and Django's IntegerField did too: only ASCII digits.
        (
            {"heading": "Overview", "body": "kept text", "version": "٣"},
            "The editor lost track of the version",
        ),
        (
            {"heading": "Overview", "body": "kept text", "version": "9" * 400},
            "The editor lost track of the version",
        ),
        (
            {"heading": "Over\x00view", "body": "kept text", "version": 1},
            "Null characters are not allowed.",
        ),
        (
            {"heading": "h" * 501, "body": "kept text", "version": 1},
            "A heading is one line of at most 500 characters; this one has 501.",
        ),
    ],
)
def test_invalid_save_is_422_with_message_and_text_kept(client, editor, overview, data, message):
    client.force_login(editor)
    response = client.post(url(overview), data, **HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and "kept text</textarea>" in html


def test_section_save_uses_a_bounded_number_of_queries(
    client, editor, plan, django_assert_max_num_queries
):
    client.force_login(editor)
    overview = plan.sections.get(heading="Overview")
    # +1: the "changed since" mark; +1: its anchor; +2: the open draft (merge it?) and its banner;
    # -3: the plan read with the section, the row not read again under a lock, the writers of
    # the new version known from the save (not read back); -2: no search for the sign-off
    # list, which this section's text cannot hold
    with django_assert_max_num_queries(19):
        client.post(url(overview), {"heading": "Overview", "body": "x", "version": 1}, **HX)


def test_preamble_section_has_no_heading_field(client, editor, project):

    plan = make_plan(project, editor, text="---\nkey: v\n---\n# Title\n")
    preamble = plan.sections.get(level=0)
    client.force_login(editor)
    html = client.get(url(preamble, "section_edit"), **HX).content.decode()
    assert 'name="heading"' not in html and "key: v" in html
    response = client.post(url(preamble), {"body": "---\nkey: w\n---", "version": 1}, **HX)
    assert response.status_code == 200
    assert plan.to_markdown() == "---\nkey: w\n---\n# Title\n"


def test_nul_in_the_text_is_refused_with_the_text_kept(client, editor, overview):
    """PostgreSQL cannot store NUL in text: refused with a message, never a 500."""
    client.force_login(editor)
    response = client.post(
        url(overview), {"heading": "Overview", "body": "kept\x00 text", "version": 1}, **HX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Null characters are not allowed." in html and "kept" in html
    assert Section.objects.get(pk=overview.pk).version == 1


def test_a_long_imported_heading_saves_unchanged_and_can_be_shortened(client, editor, project):
    """A heading longer than the typed limit that came from a file is kept as it is when the
    section is saved (the form used to refuse every save of such a section)."""

    heading = "Very long heading " * 40  # 720 characters
    plan = make_plan(project, editor, text=f"# Plan\n\n## {heading.strip()}\n\ntext\n")
    long = plan.sections.get(level=2)
    client.force_login(editor)
    html = client.get(url(long, "section_edit"), **HX).content.decode()
    assert heading.strip() in html
    data = {"heading": long.heading, "body": "new text\n", "version": 1}
    assert client.post(url(long), data, **HX).status_code == 200
    assert plan.to_markdown() == f"# Plan\n\n## {heading.strip()}\n\nnew text\n"
    longer = {**data, "heading": long.heading + " more", "version": 2}
    response = client.post(url(long), longer, **HX)
    assert response.status_code == 422 and "at most 719 characters" in response.content.decode()
    shorter = {**data, "heading": "Short now", "version": 2}
    assert client.post(url(long), shorter, **HX).status_code == 200


def test_edits_of_different_lines_merge_with_a_notice(client, doc, owner, editor):
    section(doc, "Scope").save_edit(
        author=owner, heading="Scope", body="LINE ONE\nline two\nline three", base_version=1
    )
    client.force_login(editor)
    response = client.post(
        url(section(doc, "Scope"), "section_detail"),
        {"heading": "Scope", "body": "line one\nline two\nLINE THREE", "version": 1},
        **HX,
    )
    assert response.status_code == 200
    assert "Merged with olivia&#x27;s change." in response.content.decode()
    scope = section(doc, "Scope")
    assert scope.editable_body == "LINE ONE\nline two\nLINE THREE" and scope.version == 3
    assert scope.revisions.get(version=3).note == "Merged with olivia's version 2"


def test_conflict_view_shows_both_texts_and_the_resolution_is_recorded(client, doc, owner, editor):
    section(doc, "Scope").save_edit(
        author=owner, heading="Scope", body="line one\nTWO\nline three", base_version=1
    )
    client.force_login(editor)
    mine = "line one\nzwei\nline three"
    response = client.post(
        url(section(doc, "Scope"), "section_detail"),
        {"heading": "Scope", "body": mine, "version": 1},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 409
    # The clashing line as a choice, the changed words marked on each side.
    assert "<ins>TWO<" in html
    assert "<ins>zwei<" in html
    assert 'name="resolving" value="2"' in html
    assert "line one\n&lt;&lt;&lt;&lt;&lt;&lt;&lt; your text\nzwei\n=======\nTWO\n" in html
    client.post(
        url(section(doc, "Scope"), "section_detail"),
        {
            "heading": "Scope",
            "body": "line one\nTWO zwei\nline three",
            "version": 2,
            "resolving": 2,
        },
        **HX,
    )
    revision = section(doc, "Scope").revisions.get(version=3)
    assert revision.note == "Resolved a conflict with version 2" and revision.author == editor


def test_malformed_resolving_is_400_and_saves_nothing(client, doc, editor):
    """`resolving` (the conflict view's hidden field) with 400 digits went into the revision's
    note, longer than its column: a 500 on PostgreSQL."""
    client.force_login(editor)
    for resolving in ("9" * 400, "²", "-2"):
        data = {"heading": "Scope", "body": "mine", "version": 1, "resolving": resolving}
        response = client.post(url(section(doc, "Scope"), "section_detail"), data, **HX)
        assert response.status_code == 400
        assert response.content.decode().startswith("resolving: ")
    assert section(doc, "Scope").version == 1


def test_the_answer_to_a_save_knows_its_writer_cannot_approve_it(client, owner, editor, plan):
    """The review bar of a save's answer takes the new version's writers from the save (not
    read back): the owner who saved is told another reviewer approves it, as the page says."""
    overview = plan.sections.get(heading="Overview")
    client.force_login(owner)
    data = {"heading": "Overview", "body": "Owner's text", "version": 1}
    html = client.post(url(overview), data, **HX).content.decode()
    assert "You wrote this version: another reviewer approves it." in html
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "You wrote this version: another reviewer approves it." in page
    # The editor's next version is not the owner's: the owner may approve it.
    client.force_login(editor)
    data = {"heading": "Overview", "body": "Editor's text", "version": 2}
    assert client.post(url(overview), data, **HX).status_code == 200
    client.force_login(owner)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Editor's text" in html and 'value="approved"' in html
