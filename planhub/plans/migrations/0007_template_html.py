"""Templates keep their Markdown rendered (and their outline read) from when they were saved,
so that the library and the preview page never parse a template on a page view."""

from django.db import migrations, models

BATCH = 20  # a template may be 2 MB


def render_templates(apps, schema_editor):
    from planhub.document.sections import split_sections
    from planhub.document.rendering import render_markdown

    PlanTemplate = apps.get_model("plans", "PlanTemplate")
    pks = list(PlanTemplate.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        templates = list(
            PlanTemplate.objects.filter(pk__in=pks[start : start + BATCH]).only("pk", "source")
        )
        for template in templates:
            template.rendered_html = render_markdown(template.source)
            template.headings = [
                [part.level, part.heading] for part in split_sections(template.source) if part.level
            ]
        PlanTemplate.objects.bulk_update(templates, ["rendered_html", "headings"], batch_size=5)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_longer_headings"),
    ]

    operations = [
        migrations.AddField(
            model_name="plantemplate",
            name="rendered_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="plantemplate",
            name="headings",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="The outline: [[level, text], …].",
            ),
        ),
        migrations.RunPython(render_templates, migrations.RunPython.noop, elidable=True),
    ]
