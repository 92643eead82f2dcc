from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0003_typst_document_diagrams_phase"),
    ]

    operations = [
        migrations.CreateModel(
            name="DiagramDrawing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64, unique=True)),
                ("svg", models.TextField(blank=True)),
                ("error", models.TextField(blank=True)),
                ("mermaid_version", models.CharField(blank=True, max_length=40)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
