"""Render every stored section and revision again with the sanitizer that keeps no class, id
or style of the text's own: HTML stored before it may still hold a fake stamp
(`<div class="watermark">APPROVED</div>`) or any other of the app's styles."""

from django.db import migrations

BATCH = 200


def rerender(model, fields: dict) -> None:
    """Re-render `model`'s rows in batches of primary keys; `fields` maps each stored HTML
    field to (the source field it renders, the function that renders it). Only rows whose
    HTML changes are written."""
    last = 0
    while True:
        rows = list(
            model.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", *[source for source, _ in fields.values()], *fields)[:BATCH]
        )
        if not rows:
            return
        changed = []
        for row in rows:
            old = [getattr(row, html) for html in fields]
            for html, (source, render) in fields.items():
                setattr(row, html, render(getattr(row, source)))
            if old != [getattr(row, html) for html in fields]:
                changed.append(row)
        model.objects.bulk_update(changed, list(fields), batch_size=50)
        last = rows[-1].pk


def rerender_html(apps, schema_editor):
    from planhub.document.rendering import render_heading, render_markdown

    # Historical models' `objects` are plain managers: deleted sections are included.
    rerender(
        apps.get_model("plans", "Section"),
        {"heading_html": ("heading", render_heading), "body_html": ("body", render_markdown)},
    )
    rerender(apps.get_model("plans", "SectionRevision"), {"body_html": ("body", render_markdown)})
    # Templates' rendered_html is 0007's, rendered with this sanitizer already.


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0007_template_html"),
    ]

    operations = [
        migrations.RunPython(rerender_html, migrations.RunPython.noop, elidable=True),
    ]
