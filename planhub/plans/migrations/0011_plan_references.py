"""Plans keep their reference-link definitions merged across sections (Plan.references), and
every section's body_html is rendered again with them: links defined in another section,
footnotes, autolinks, front matter as a table, dir="auto" (issue 17)."""

from django.db import migrations, models

BATCH = 50


def fill_references(apps, schema_editor):
    from planhub.document.placeholders import section_placeholder_count
    from planhub.document.references import plan_references
    from planhub.document.rendering import render_markdown

    Plan = apps.get_model("plans", "Plan")
    Section = apps.get_model("plans", "Section")
    last = 0
    while True:
        plans = list(Plan.objects.filter(pk__gt=last).order_by("pk").only("pk", "placeholder_syntaxes")[:BATCH])
        if not plans:
            return
        for plan in plans:
            # Historical managers include deleted sections: they are not in the document.
            sections = list(
                Section.objects.filter(plan_id=plan.pk, deleted_at__isnull=True)
                .order_by("position", "pk")
                .only("pk", "heading", "heading_source", "body", "body_html", "placeholder_count")
            )
            references = plan_references(section.body for section in sections)
            Plan.objects.filter(pk=plan.pk).update(references=references)
            changed = []
            for section in sections:
                html = render_markdown(section.body, references, id_prefix=str(section.pk))
                # A `[label]` defined in another section is a link, not a placeholder.
                count = section_placeholder_count(
                    section.heading,
                    section.heading_source + section.body,
                    plan.placeholder_syntaxes,
                    references,
                )
                if html != section.body_html or count != section.placeholder_count:
                    section.body_html, section.placeholder_count = html, count
                    changed.append(section)
            Section.objects.bulk_update(
                changed, ["body_html", "placeholder_count"], batch_size=50
            )
        last = plans[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0010_placeholder_syntaxes"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="references",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(fill_references, migrations.RunPython.noop, elidable=True),
    ]
