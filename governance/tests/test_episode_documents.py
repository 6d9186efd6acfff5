"""The episode page shows the governing documents in force for its activities, read in one
query however many activities and documents there are."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance import actions
from governance.documents import for_activities
from process.models import EpisodeActivity
from tests.factories import admit


@pytest.fixture
def episode(org):
    call_command("load_configuration")
    return admit(org, admitted_at=timezone.now() - dt.timedelta(hours=2))


def _register(admin, title, keys, replaces=None):
    return actions.do_register_document(
        admin,
        actions.DocumentInput(
            title=title,
            kind="routine",
            valid_from=dt.date(2025, 1, 1),
            activity_keys=keys,
            replaces=replaces,
        ),
    )


def _keys(episode, n):
    return list(
        EpisodeActivity.objects.filter(episode=episode)
        .order_by("definition__order")
        .values_list("definition__key", flat=True)[:n]
    )


def _page(client, episode):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/vardtillfallen/{episode.public_id}/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_episode_page_lists_each_activitys_documents_in_force(client, org, episode):
    first, second = _keys(episode, 2)
    old = _register(org.admin, "Rutin för inskrivning", [first])
    _register(org.admin, "Rutin för inskrivning", [first, second], replaces=old)
    _register(org.admin, "Riktlinje för samordnad planering", [second])
    client.force_login(org.nurse)
    html, _count = _page(client, episode)
    section = html[html.index('id="governing-documents"') :]
    section = section[: section.index("</details>")]
    assert section.count("Rutin för inskrivning") == 2  # once per activity, the new version only
    assert f"/styrning/dokument/{old.public_id}/" not in section
    assert "Riktlinje för samordnad planering" in section
    assert f'href="#activity-{first}"' in section and f'href="#activity-{second}"' in section
    # And each activity in the swimlanes names its own documents in force.
    card = html[html.index(f'<li id="activity-{second}"') :]
    card = card[: card.index("</li>")]
    assert "Styrande dokument:" in card
    assert "Rutin för inskrivning" in card and "Riktlinje för samordnad planering" in card
    assert f"/styrning/dokument/{old.public_id}/" not in card


def test_more_activities_with_documents_cost_no_more_queries(client, org, episode):
    keys = _keys(episode, 6)
    _register(org.admin, "Rutin A", keys[:1])
    client.force_login(org.nurse)
    _page(client, episode)  # warm the caches of the page
    html, one = _page(client, episode)
    assert html.count("Rutin A") == 2  # in the overview and on its activity
    for i, key in enumerate(keys[1:]):
        _register(org.admin, f"Rutin {i}", [key])
    _register(org.admin, "Riktlinje för alla", keys)
    html, many = _page(client, episode)
    assert html.count("Riktlinje för alla") == 2 * len(keys)
    assert many == one


def test_for_activities_reads_every_key_in_one_query(org, episode, django_assert_num_queries):
    keys = _keys(episode, 4)
    _register(org.admin, "Rutin", keys[:2])
    with django_assert_num_queries(1):
        found = for_activities(keys)
    assert [len(found[k]) for k in keys] == [1, 1, 0, 0]
