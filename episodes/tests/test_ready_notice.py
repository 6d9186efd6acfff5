import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ActionError
from episodes import actions
from episodes.models import EpisodeState
from tests.factories import admit


def test_a_ready_notice_after_a_revocation_cannot_be_dated_before_it(org):
    start = timezone.now() - dt.timedelta(days=6)
    episode = admit(org, admitted_at=start)
    actions.do_send_ready_notice(org.physician, episode, occurred_at=start + dt.timedelta(days=2))
    actions.do_revoke_ready_notice(org.physician, episode, "Feber, fortsatt slutenvård.")
    with pytest.raises(ActionError) as refused:
        actions.do_send_ready_notice(
            org.physician, episode, occurred_at=start + dt.timedelta(days=3)
        )
    assert refused.value.field == "occurred_at"
    assert "återtagandet" in refused.value.message
    episode.refresh_from_db()
    assert episode.state == EpisodeState.ADMITTED and episode.ready_at is None
    actions.do_send_ready_notice(org.physician, episode)
    episode.refresh_from_db()
    assert episode.state == EpisodeState.READY
