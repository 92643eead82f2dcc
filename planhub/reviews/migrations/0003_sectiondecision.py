"""Approval is renamed SectionDecision (it holds change requests too). State only: the table
stays reviews_approval, its index and rows as they are."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_signoffslot_moves_to_plans"),
        ("plans", "0009_signoffslot_moves_to_plans"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameModel("Approval", "SectionDecision"),
                migrations.AlterModelTable("SectionDecision", "reviews_approval"),
                migrations.AlterField(
                    model_name="sectiondecision",
                    name="section",
                    field=models.ForeignKey(
                        on_delete=models.deletion.CASCADE,
                        related_name="decisions",
                        to="plans.section",
                    ),
                ),
                migrations.AlterField(
                    model_name="sectiondecision",
                    name="reviewer",
                    field=models.ForeignKey(
                        on_delete=models.deletion.CASCADE,
                        related_name="section_decisions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ]
        ),
    ]
