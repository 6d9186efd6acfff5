"""The covering indexes of the statistics (indicators migration 0002) on PostgreSQL."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_each_statistics_index_covers_its_date_and_names_its_queries():
    if connection.vendor != "postgresql":
        pytest.skip("INCLUDE indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef, obj_description(c.oid, 'pg_class')"
            " FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname"
            " WHERE i.tablename = 'episodes_episode' AND i.indexname LIKE %s"
            " ORDER BY i.indexname",
            ["episode\\_stats\\_%"],
        )
        rows = cursor.fetchall()
    assert [name for name, _, _ in rows] == ["episode_stats_admitted", "episode_stats_discharged"]
    for name, definition, comment in rows:
        date = "admitted_at" if name.endswith("admitted") else "discharged_at"
        assert f"({date}) INCLUDE (id, individual_id" in definition
        assert "indicators.queries._daily_totals" in comment
