"""The episode page's number of SQL queries, pinned (issue 17): the events, the parties and the
messages are each read once, whatever their number."""

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from episodes import actions
from tests.factories import admit

# Per user: the nurse has more steps than the needs assessor, and their forms read their choices.
EPISODE_PAGE_QUERIES = {"nurse": 17, "needs_assessor": 15}


def _queries(user, episode) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    url = f"/vardtillfallen/{episode.public_id}/"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.text


def test_the_episode_page_makes_a_fixed_number_of_queries_whatever_its_events(org):
    episode = admit(org)
    before = {role: _queries(getattr(org, role), episode)[0] for role in EPISODE_PAGE_QUERIES}
    actions.do_set_estimated_date(
        org.nurse, episode, episode.estimated_discharge_date + dt.timedelta(days=1)
    )
    actions.do_send_ready_notice(org.physician, episode)
    after = {}
    for role in EPISODE_PAGE_QUERIES:
        after[role], html = _queries(getattr(org, role), episode)
        assert "Beräknat utskrivningsdatum ändrat" in html and "Utskrivningsklar" in html
    assert before == after == EPISODE_PAGE_QUERIES
