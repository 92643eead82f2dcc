"""The editor's preview: sanitized Markdown."""

from planhub.plans import restructuring

from .conftest import HX, url


def test_preview_renders_sanitized_markdown(client, editor, overview):
    client.force_login(editor)
    response = client.post(url(overview, "section_preview"), {"body": "**b** <script>x</script>"})
    html = response.content.decode()
    assert "<strong>b</strong>" in html and "<script" not in html


def test_preview_of_a_deleted_section_still_renders_and_says_so(client, editor, owner, scope):
    restructuring.delete_section(scope, owner)
    client.force_login(editor)
    response = client.post(url(scope, "section_preview"), {"body": "*mine*"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<em>mine</em>" in html and "olivia deleted “Scope” just now." in html


def test_preview_queries(client, editor, overview, django_assert_max_num_queries):
    client.force_login(editor)
    with django_assert_max_num_queries(5):
        response = client.post(url(overview, "section_preview"), {"body": "*hi*"}, **HX)
    assert "<em>hi</em>" in response.content.decode()


def test_preview_uses_the_plans_reference_definitions(client, editor, overview):
    from planhub.plans.models import Plan

    Plan.objects.filter(pk=overview.plan_id).update(
        references={"SPEC": {"href": "https://spec.example/", "title": ""}}
    )
    client.force_login(editor)
    response = client.post(url(overview, "section_preview"), {"body": "See [spec]."}, **HX)
    assert '<a href="https://spec.example/"' in response.content.decode()
