"""Issue 17: three single-column foreign-key indexes that a composite index already serves
(each leads with the same column), so no query needs them; every admission wrote ~130 entries
into them. Only the indexes go: the foreign-key constraints stay as they are (no table scan to
validate them again). The names are Django's own for these columns, on SQLite as on
PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

# (table, column, index) of each dropped index, and the composite index that serves its queries.
DROPPED = [
    # activitylog_episode (episode_id, at)
    ("process_activitylog", "episode_id", "process_activitylog_episode_id_9f5a9579"),
    # one_activity_per_definition (episode_id, definition_id)
    ("process_episodeactivity", "episode_id", "process_episodeactivity_episode_id_8ef7c221"),
    # activity_worklist (unit_id, status, due_at)
    ("process_episodeactivity", "unit_id", "process_episodeactivity_unit_id_7ce1e8bc"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("episodes", "0002_discharge_cancelled"),
        ("organisations", "0003_swedish_labels"),
        ("process", "0003_citizen_check_off"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for table, column, index in DROPPED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="activitylog",
                    name="episode",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="episodes.episode",
                    ),
                ),
                migrations.AlterField(
                    model_name="episodeactivity",
                    name="episode",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="activities",
                        to="episodes.episode",
                    ),
                ),
                migrations.AlterField(
                    model_name="episodeactivity",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.unit",
                    ),
                ),
            ],
        )
    ]
