"""`Party.visible_until`: when a party's unit stops seeing the episode, filled for every
existing row by the rule of `episodes.models.visibility_end` with today's settings; the two
partial indexes are built after the fill, so they are written once."""

from django.db import migrations, models

from episodes.models import store_visibility, visibility_end

CHUNK = 5000  # episodes per read


def fill(apps, schema_editor):
    Episode = apps.get_model("episodes", "Episode")
    Party = apps.get_model("episodes", "Party")
    last = 0
    while True:
        ids = list(
            Episode.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            return
        last = ids[-1]
        rows = Party.objects.filter(
            episode_id__gte=ids[0], episode_id__lte=last
        ).values_list(
            "id", "removed_at", "episode__ended_at", "episode__individual__protected_identity"
        )
        changed = []
        for pk, removed_at, ended_at, protected in rows:
            until = visibility_end(removed_at, ended_at, protected)
            if until is not None:
                changed.append((pk, until))
        store_visibility(Party._meta.db_table, changed)


class Migration(migrations.Migration):
    dependencies = [
        ("episodes", "0002_discharge_cancelled"),
        ("individuals", "0002_swedish_labels"),
        ("organisations", "0003_swedish_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="party",
            name="visible_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="party",
            index=models.Index(
                condition=models.Q(("visible_until__isnull", True)),
                fields=["unit", "episode"],
                name="party_unit_visible_open",
            ),
        ),
        migrations.AddIndex(
            model_name="party",
            index=models.Index(
                condition=models.Q(("visible_until__isnull", False)),
                fields=["unit", "visible_until"],
                include=("episode",),
                name="party_unit_visible_until",
            ),
        ),
        # The fill rewrote every party row: fresh statistics for the planner at once, rather
        # than whenever autovacuum gets to it (PostgreSQL and SQLite both know ANALYZE).
        migrations.RunSQL("ANALYZE episodes_party", migrations.RunSQL.noop, elidable=True),
    ]
