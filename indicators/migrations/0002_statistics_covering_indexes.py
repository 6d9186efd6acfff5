"""Covering indexes on the episodes for the statistics' scans (issue 17), PostgreSQL only.

Every statistics query is bounded by the period shown through an indexed date column
(`discharged_at`, `admitted_at`). With only the plain date index, PostgreSQL fetched each
episode's heap row: the rows of a period lie scattered over the whole history's heap, so a
year's ~35 000 discharges cost ~32 000 buffer visits at three years of data and the time grew
with the history. These indexes carry every column the queries read, so the scans are
index-only (the table is vacuumed: the bench after loading, autovacuum in production) and
their cost is the period's rows alone.

They live here, not on `episodes.Episode`'s Meta, because only the statistics read them and
SQLite (tests, development) has no INCLUDE; the model state is unchanged (RunPython), so
`makemigrations` leaves them alone. Each carries a comment naming its queries. The included
columns are few on purpose: an update of an included column is not a HOT update.
"""

from django.db import migrations

INDEXES = [
    (
        "episode_stats_discharged",
        "discharged_at",
        "id, individual_id, ready_at, sip_needed, sip_invited_at, sip_invitation_due_at",
        "indicators.queries._daily_totals: the discharge facts per day (COLUMN_AGGREGATES) and"
        " the discharged episodes joined to the planned-date moves, SIP offered and"
        " readmissions. Index-only over the days shown.",
    ),
    (
        "episode_stats_admitted",
        "admitted_at",
        "id, individual_id, admission_notice_due_at, admission_notice_sent_at",
        "indicators.queries._daily_totals: the admission facts per day (ADMISSION_AGREGATES)"
        " and the admitted episodes joined to their admission notices (acknowledgements)."
        " Index-only over the days shown.",
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, key, include, comment in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON episodes_episode ({key}) INCLUDE ({include})"
        )
        schema_editor.execute(f"COMMENT ON INDEX {name} IS %s", [comment])


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_initial"),
        ("episodes", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
