"""The access log's one writer: a list logs one row per episode, in one statement."""

from audit.log import log_access, log_access_many
from audit.models import AccessLog
from tests.factories import TEST_IDENTIFIERS, admit


def test_a_list_is_logged_in_one_statement_with_one_row_per_episode(org, django_assert_num_queries):
    episodes = [admit(org, identifier=identifier) for identifier in TEST_IDENTIFIERS[:3]]
    # The first episode is listed twice (e.g. through two units): it is logged once.
    reads = [(episode, org.ward.id) for episode in episodes] + [(episodes[0], org.other_ward.id)]
    with django_assert_num_queries(1):
        log_access_many(org.nurse, "worklist.view", reads)
    rows = AccessLog.objects.filter(user=org.nurse, action="worklist.view")
    assert sorted((r.episode_id, r.individual_id, r.unit_id, r.granted) for r in rows) == sorted(
        (e.id, e.individual_id, org.ward.id, True) for e in episodes
    )


def test_an_empty_list_writes_nothing(org, django_assert_num_queries):
    with django_assert_num_queries(0):
        log_access_many(org.nurse, "worklist.view", [])


def test_a_refused_read_names_whose_data_was_asked_for(org):
    episode = admit(org)
    log_access(org.outsider, "episode.view", episode=episode, granted=False, detail="x" * 400)
    row = AccessLog.objects.get(user=org.outsider)
    assert (row.granted, row.episode, row.individual) == (False, episode, episode.individual)
    assert len(row.detail) == 300
