"""The editor's preview: sanitized Markdown."""

from .conftest import url


def test_preview_renders_sanitized_markdown(client, editor, overview):
    client.force_login(editor)
    response = client.post(url(overview, "section_preview"), {"body": "**b** <script>x</script>"})
    html = response.content.decode()
    assert "<strong>b</strong>" in html and "<script" not in html
