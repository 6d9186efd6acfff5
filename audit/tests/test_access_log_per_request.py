"""Issue 17: a request's access-log rows are written in one statement once its response exists,
and none is ever lost (audit/log.py, `AccessLogPerRequest`)."""

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from audit.log import AccessLogPerRequest, log_access, log_access_many
from audit.models import AccessLog
from tests.factories import TEST_IDENTIFIERS, admit


def _inserts(captured) -> int:
    return sum(1 for q in captured if q["sql"].startswith('INSERT INTO "audit_accesslog"'))


def test_the_start_page_writes_its_access_rows_in_one_statement(org):
    for identifier in TEST_IDENTIFIERS[:3]:
        admit(org, identifier=identifier)
    client = Client()
    client.force_login(org.needs_assessor)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    # The to-do list and the inbox both show the three patients: one INSERT for all rows.
    assert _inserts(captured) == 1
    actions = set(
        AccessLog.objects.filter(user=org.needs_assessor).values_list("action", flat=True)
    )
    assert len(actions) >= 2


def test_rows_wait_for_the_response_and_are_then_written(org):
    episodes = [admit(org, identifier=identifier) for identifier in TEST_IDENTIFIERS[:2]]
    seen_during_view = []

    def view(request):
        log_access(org.nurse, "episode.view", episode=episodes[0], request=request)
        log_access_many(org.nurse, "worklist.view", [(e, org.ward.id) for e in episodes])
        seen_during_view.append(AccessLog.objects.filter(user=org.nurse).count())
        return HttpResponse("ok")

    response = AccessLogPerRequest(view)(RequestFactory().get("/x"))
    assert response.status_code == 200
    assert seen_during_view == [0]
    assert AccessLog.objects.filter(user=org.nurse).count() == 3


def test_a_view_that_fails_after_a_read_still_has_its_read_logged(org):
    episode = admit(org)

    def view(request):
        log_access(org.nurse, "episode.view", episode=episode, request=request)
        raise RuntimeError("the page broke after reading")

    with pytest.raises(RuntimeError):
        AccessLogPerRequest(view)(RequestFactory().get("/x"))
    row = AccessLog.objects.get(user=org.nurse)
    assert (row.episode_id, row.action, row.path) == (episode.pk, "episode.view", "/x")


def test_a_row_logged_inside_an_action_is_written_in_the_action(org):
    episode = admit(org)

    def view(request):
        with transaction.atomic():
            log_access(org.nurse, "episode.view", episode=episode, request=request)
            # Written in the action's transaction, so the action sees it (and would roll it
            # back with itself).
            assert AccessLog.objects.filter(user=org.nurse).count() == 1
        return HttpResponse("ok")

    with CaptureQueriesContext(connection) as captured:
        AccessLogPerRequest(view)(RequestFactory().get("/x"))
    assert _inserts(captured) == 1
    assert AccessLog.objects.filter(user=org.nurse).count() == 1


def test_outside_a_request_every_call_writes_at_once(org):
    episode = admit(org)
    log_access(org.nurse, "episode.view", episode=episode)
    assert AccessLog.objects.filter(user=org.nurse).count() == 1
