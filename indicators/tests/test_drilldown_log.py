"""The drill-down behind a figure logs every episode it shows, in one statement."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLog
from organisations.models import Membership, Role
from tests.factories import TEST_IDENTIFIERS, admit, make_user


def _drilldown(client):
    today = timezone.localdate()
    return client.get(
        "/statistik/underlag/admissions/",
        {
            "period": "custom",
            "from": (today - dt.timedelta(days=2)).isoformat(),
            "to": today.isoformat(),
        },
    )


def test_the_drilldown_logs_each_episode_shown_and_its_queries_do_not_grow(org, client):
    leader = make_user("leader", org.needs_assessment, Role.PROCESS_LEADER)
    Membership.objects.create(user=leader, unit=org.needs_assessment, role=Role.NEEDS_ASSESSOR)
    client.force_login(leader)
    now = timezone.now()
    admit(org, identifier=TEST_IDENTIFIERS[0], admitted_at=now - dt.timedelta(hours=3))
    with CaptureQueriesContext(connection) as one:
        assert _drilldown(client).status_code == 200
    for identifier in TEST_IDENTIFIERS[1:4]:
        admit(org, identifier=identifier, admitted_at=now - dt.timedelta(hours=3))
    with CaptureQueriesContext(connection) as four:
        assert _drilldown(client).status_code == 200
    assert len(four.captured_queries) == len(one.captured_queries)
    logged = AccessLog.objects.filter(user=leader, action="statistics.drilldown", granted=True)
    # First read: one episode; second read: all four.
    assert logged.count() == 5
    assert logged.values("episode").distinct().count() == 4
