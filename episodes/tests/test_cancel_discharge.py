"""A discharge registered by mistake is cancelled (makulerad utskrivning, also HL7 ADT A13):
the stay goes on as before it, what the discharge closed is open again, and the statistics
no longer count it. Only the ward, only a discharged stay, only within a week."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from core.errors import ActionError
from episodes import actions
from episodes.models import Episode, EpisodeState, Event, EventKind, Message, MessageKind
from episodes.tests.test_api_auth import Api
from indicators.filters import Filters
from indicators.queries import discharge_facts
from process.models import ActivityStatus, EpisodeActivity
from process.worklist import todo_for_user
from tests.factories import admit

pytestmark = pytest.mark.django_db


def _activity(episode: Episode, key: str) -> EpisodeActivity:
    return EpisodeActivity.objects.get(episode=episode, definition__key=key)


def _discharged(org, *, ready: bool = True, days_ago: float = 0) -> Episode:
    now = timezone.now()
    episode = admit(org, admitted_at=now - dt.timedelta(days=days_ago + 2))
    if ready:
        actions.do_send_ready_notice(
            org.physician, episode, occurred_at=now - dt.timedelta(days=days_ago + 1)
        )
    actions.do_discharge(
        org.nurse, episode, "home", discharged_at=now - dt.timedelta(days=days_ago, minutes=5)
    )
    episode.refresh_from_db()
    return episode


def _counted(org, episode: Episode) -> bool:
    now = timezone.now()
    facts = discharge_facts(Filters(unit=org.ward), now - dt.timedelta(days=30), now)
    return facts.filter(pk=episode.pk).exists()


def test_a_cancelled_discharge_returns_the_stay_to_ready_and_reopens_its_work(org):
    episode = _discharged(org)
    ready_at = episode.ready_at
    assert _counted(org, episode)
    assert _activity(episode, "SV-17").status == ActivityStatus.DONE
    assert _activity(episode, "SV-04").status == ActivityStatus.DONE  # notice sent at admission

    actions.do_cancel_discharge(org.nurse, episode, "Fel patient utskriven.")

    episode.refresh_from_db()
    assert episode.state == EpisodeState.READY
    assert episode.ready_at == ready_at
    assert episode.discharged_at is None and episode.ended_at is None
    assert episode.discharge_destination == ""
    assert episode.is_active
    assert not _counted(org, episode)  # statistics and payment read the cleared columns
    # The discharge step is open again on the ward's to-do list; work done stays done.
    assert _activity(episode, "SV-17").status == ActivityStatus.OPEN
    assert _activity(episode, "SV-04").status == ActivityStatus.DONE
    todo = [(item.episode.pk, item.activity.key) for item in todo_for_user(org.nurse)]
    assert (episode.pk, "SV-17") in todo
    # The units concerned are told, with the reason.
    cancelled = Message.objects.filter(episode=episode, kind=MessageKind.DISCHARGE_CANCELLED)
    assert cancelled.exists()
    assert {m.recipient_unit for m in cancelled} == {
        m.recipient_unit
        for m in Message.objects.filter(episode=episode, kind=MessageKind.DISCHARGE_NOTICE)
    }
    assert cancelled.first().body == "Fel patient utskriven."
    # A new discharge ends the stay again.
    actions.do_discharge(org.nurse, episode, "short_term_care")
    episode.refresh_from_db()
    assert episode.state == EpisodeState.DISCHARGED
    assert episode.discharge_destination == "short_term_care"
    assert _activity(episode, "SV-17").status == ActivityStatus.DONE
    assert _counted(org, episode)


def test_without_a_ready_notice_the_stay_is_admitted_again(org):
    episode = _discharged(org, ready=False)
    actions.do_cancel_discharge(org.nurse, episode, "Registrerad på fel vårdtillfälle.")
    episode.refresh_from_db()
    assert episode.state == EpisodeState.ADMITTED
    assert episode.ready_at is None


def test_work_left_undone_at_discharge_is_open_again(org):
    # The admission notice was due 6 hours ago and never sent: closed as missed at discharge.
    now = timezone.now()
    episode = admit(org, admitted_at=now - dt.timedelta(hours=30), send_notice=False)
    actions.do_discharge(org.nurse, episode, "home")
    assert _activity(episode, "SV-04").status == ActivityStatus.MISSED

    actions.do_cancel_discharge(org.nurse, episode, "Patienten är kvar på avdelningen.")

    assert _activity(episode, "SV-04").status == ActivityStatus.OPEN
    todo = [(item.episode.pk, item.activity.key) for item in todo_for_user(org.nurse)]
    assert (episode.pk, "SV-04") in todo


def test_an_acknowledged_discharge_notice_must_be_acknowledged_again(org):
    episode = _discharged(org)
    notice = Message.objects.get(
        episode=episode, kind=MessageKind.DISCHARGE_NOTICE, recipient_unit=org.health_centre
    )
    actions.do_acknowledge(org.gp_nurse, notice)
    assert _activity(episode, "RP-11").status == ActivityStatus.DONE

    actions.do_cancel_discharge(org.nurse, episode, "Fel patient utskriven.")

    assert _activity(episode, "RP-11").status == ActivityStatus.OPEN


def test_the_timeline_says_which_discharge_was_cancelled_and_why(org):
    episode = _discharged(org)
    actions.do_cancel_discharge(org.nurse, episode, "Fel patient utskriven.")
    client = Client()
    client.force_login(org.nurse)
    page = client.get(f"/vardtillfallen/{episode.public_id}/").content.decode()
    assert "Utskrivning makulerad" in page
    assert "Fel patient utskriven." in page
    assert "gäller inte" in page


def test_the_ward_cancels_it_from_the_episode_page(org):
    episode = _discharged(org)
    client = Client()
    client.force_login(org.nurse)
    page = client.get(f"/vardtillfallen/{episode.public_id}/").content.decode()
    assert "Makulera utskrivningen" in page
    url = f"/vardtillfallen/{episode.public_id}/steg/cancel_discharge/"
    asked = client.post(url, {"reason": "Fel patient utskriven."})
    assert "confirmed" in asked.content.decode()
    episode.refresh_from_db()
    assert episode.state == EpisodeState.DISCHARGED  # not before it is confirmed
    client.post(url, {"reason": "Fel patient utskriven.", "confirmed": "yes"})
    episode.refresh_from_db()
    assert episode.state == EpisodeState.READY
    # A unit concerned is not offered the step.
    other = Client()
    other.force_login(org.gp_nurse)
    page = other.get(f"/vardtillfallen/{episode.public_id}/").content.decode()
    assert "Makulera utskrivningen" not in page


def _refused(user, episode, reason="Fel patient utskriven.", **kw) -> ActionError:
    events_before = Event.objects.filter(episode=episode).count()
    messages_before = Message.objects.filter(episode=episode).count()
    with pytest.raises(ActionError) as refused:
        actions.do_cancel_discharge(user, episode, reason, **kw)
    assert Event.objects.filter(episode=episode).count() == events_before
    assert Message.objects.filter(episode=episode).count() == messages_before
    return refused.value


def test_a_stay_not_discharged_has_no_discharge_to_cancel(org):
    episode = admit(org)
    assert _refused(org.nurse, episode).message == "Patienten är inte utskriven."
    actions.do_send_ready_notice(org.physician, episode)
    assert _refused(org.nurse, episode).code == "not_discharged"


def test_an_ended_process_is_not_reopened(org):
    episode = admit(org)
    actions.do_exit(org.nurse, episode, "death")
    assert _refused(org.nurse, episode).message == "Vårdtillfället är avslutat."


def test_only_the_ward_may_cancel(org):
    episode = _discharged(org)
    refused = _refused(org.gp_nurse, episode)
    assert (
        refused.message == "Din enhet eller roll kan inte utföra det här steget i vårdtillfället."
    )
    assert _refused(org.outsider, episode).code == "not_a_party"
    assert Episode.objects.get(pk=episode.pk).state == EpisodeState.DISCHARGED


def test_a_discharge_more_than_a_week_ago_stays(org):
    episode = _discharged(org, days_ago=8)
    refused = _refused(org.nurse, episode)
    assert refused.message == "Utskrivningen kan bara makuleras inom 7 dygn."
    assert Episode.objects.get(pk=episode.pk).state == EpisodeState.DISCHARGED


def test_a_reason_is_required_and_the_time_not_before_the_discharge(org):
    episode = _discharged(org)
    assert _refused(org.nurse, episode, reason="  ").message == "Fältet måste fyllas i."
    refused = _refused(
        org.nurse, episode, occurred_at=episode.discharged_at - dt.timedelta(minutes=1)
    )
    assert refused.message == "Makuleringen kan inte ligga före utskrivningen."
    assert Event.objects.filter(episode=episode, kind=EventKind.DISCHARGE_CANCELLED).count() == 0


def test_the_api_cancels_a_discharge_and_refuses_with_a_structured_error(org):
    episode = _discharged(org)
    path = f"/episodes/{episode.public_id}/discharge/cancel"
    refused = Api(org.gp_nurse).post(path, {"reason": "Fel patient."}, key="cancel-gp")
    assert refused.status_code == 403, refused.content
    assert Episode.objects.get(pk=episode.pk).state == EpisodeState.DISCHARGED

    response = Api(org.nurse).post(path, {"reason": "Fel patient."}, key="cancel-1")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "ready"
    again = Api(org.nurse).post(path, {"reason": "Fel patient."}, key="cancel-2")
    assert again.status_code == 400
    assert again.json()["errors"] == [
        {"field": None, "code": "not_discharged", "message": "Patienten är inte utskriven."}
    ]


def test_not_while_the_person_has_a_later_stay_running(org):
    episode = _discharged(org)
    admit(org, admitted_at=timezone.now() - dt.timedelta(minutes=1))
    refused = _refused(org.nurse, episode)
    assert refused.message == (
        "Personen har ett pågående vårdtillfälle efter utskrivningen: "
        "utskrivningen kan inte makuleras."
    )
