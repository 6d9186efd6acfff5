"""Public ids for plan activities and metrics (the API names them), filled for existing rows."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    for name in ("PlanActivity", "Metric"):
        model = apps.get_model("governance", name)
        for row in model.objects.all():
            row.public_id = uuid.uuid4()
            row.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [
        migrations.AddField("planactivity", "public_id", models.UUIDField(null=True, editable=False)),
        migrations.AddField("metric", "public_id", models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            "planactivity",
            "public_id",
            models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
        migrations.AlterField(
            "metric", "public_id", models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
        ),
    ]
