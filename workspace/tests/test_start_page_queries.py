"""The start page's number of SQL queries, pinned (issue 17): the user's memberships are read
once per request, and the "manages" link uses them too."""

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import admit

START_PAGE_QUERIES = {"nurse": 18, "needs_assessor": 16}


def _queries(user) -> int:
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_the_start_page_makes_a_fixed_number_of_queries(org):
    admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    counts = {role: _queries(getattr(org, role)) for role in START_PAGE_QUERIES}
    assert counts == START_PAGE_QUERIES
