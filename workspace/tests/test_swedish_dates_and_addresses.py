"""Dates the Swedish way in running text, ISO in tables; no stray comma in an address."""

import datetime as dt
import re

from django.utils import translation

from episodes.templatetags.samsyn_dates import sv_date, sv_datetime
from tests.factories import admit, make_individual


def test_months_are_abbreviated_as_in_swedish_and_short_months_written_out():
    with translation.override("sv"):
        assert sv_date(dt.date(2026, 12, 1)) == "1 dec. 2026"
        assert sv_date(dt.date(2026, 5, 20)) == "20 maj 2026"
        assert sv_date(dt.date(2026, 3, 2)) == "2 mars 2026"
        # 08:05 UTC is 09:05 in Stockholm in winter.
        assert sv_datetime(dt.datetime(2026, 12, 1, 8, 5, tzinfo=dt.UTC)) == "1 dec. 2026 09:05"
    with translation.override("en"):
        assert sv_date(dt.date(2026, 10, 20)) == "20 Oct 2026"


def test_the_episode_header_has_swedish_dates_and_no_stray_comma_without_an_address(org, client):
    make_individual(org, address="", city="")
    episode = admit(org)
    client.force_login(org.nurse)
    html = client.get(f"/vardtillfallen/{episode.public_id}/").content.decode()
    assert " , " not in html and "Folkbokförd</dt><dd>, " not in html
    assert "adress saknas (Partille kommun)" in html
    # No English-style month ("Dec", "Okt") anywhere on the page.
    assert not re.search(r"\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Okt|Nov|Dec)\b", html)


def test_a_message_writes_its_dates_the_swedish_way(org, client):
    from episodes.models import Message

    episode = admit(org, estimated=dt.date(2026, 12, 8))
    notice = Message.objects.get(
        episode=episode, kind="admission_notice", recipient_unit=org.needs_assessment
    )
    client.force_login(org.needs_assessor)
    html = client.get(f"/meddelanden/{notice.public_id}/").content.decode()
    assert "<dd>8 dec. 2026</dd>" in html
    assert "2026-12-08" not in html
