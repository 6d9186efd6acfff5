"""Issue 17: statistics reads on a read replica (samsyn/db_router.py).

Run against a second PostgreSQL database standing in for the replica, e.g.:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samsyn_x SAMSYN_TEST_DB_NAME=test_samsyn_x \\
    DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5432/samsyn_x_replica \\
    SAMSYN_TEST_REPLICA_DB_NAME=test_samsyn_x_replica \\
    .venv/bin/python -m pytest -p no:cacheprovider samsyn/tests/test_db_router.py

The stand-in is a separate, empty database (nothing replicates into it), so what a page read
from it shows which database it read. Without DATABASE_REPLICA_URL the tests are skipped: one
database, nothing routed.
"""

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLog
from episodes.models import Episode
from samsyn.db_router import _statistics
from tests.factories import admit

pytestmark = [
    pytest.mark.skipif("replica" not in settings.DATABASES, reason="DATABASE_REPLICA_URL unset"),
    pytest.mark.django_db(databases=["default", "replica"]),
]


def _tables(captured) -> str:
    return " ".join(q["sql"] for q in captured)


def test_a_statistics_page_reads_the_care_data_from_the_replica(org):
    admit(org)
    client = Client()
    client.force_login(org.manager)
    replica, primary = connections["replica"], connections["default"]
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(primary) as on_primary:
        response = client.get("/statistik/")
    assert response.status_code == 200
    assert '"episodes_episode"' in _tables(on_replica)
    # The session, the user and the memberships (need-to-know) are read on the primary, and
    # the care data is not.
    assert '"django_session"' in _tables(on_primary)
    assert '"organisations_membership"' in _tables(on_primary)
    assert '"episodes_episode"' not in _tables(on_primary)
    assert not any(q["sql"].startswith(("INSERT", "UPDATE", "DELETE")) for q in on_replica)


def test_the_replica_answers_what_it_holds_and_writes_stay_on_the_primary(org):
    episode = admit(org)  # written on the primary only: the stand-in replica never sees it
    token = _statistics.set(True)
    try:
        assert Episode.objects.count() == 0  # read on the replica
        assert Episode.objects.using("default").count() == 1
        AccessLog.objects.create(user=org.manager, episode_id=episode.pk, action="x")
        assert AccessLog.objects.filter(action="x").count() == 1  # audit: primary
    finally:
        _statistics.reset(token)


def test_other_requests_never_touch_the_replica(org):
    admit(org)
    client = Client()
    client.force_login(org.nurse)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get("/").status_code == 200
    assert len(on_replica) == 0
