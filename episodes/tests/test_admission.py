import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ActionError
from episodes import actions
from episodes.models import EventKind, Message, MessageKind
from tests.factories import TEST_IDENTIFIERS, admit


def test_admission_proposes_home_municipality_and_listed_health_centre(org):
    episode = admit(org)
    units = set(
        episode.parties.filter(removed_at__isnull=True).values_list("unit__name", flat=True)
    )
    assert units == {
        org.ward.name,
        org.needs_assessment.name,
        org.home_health_care.name,
        org.health_centre.name,
    }


def test_admission_notice_reaches_each_unit_concerned_inbox(org):
    episode = admit(org)
    recipients = set(
        Message.objects.filter(episode=episode, kind=MessageKind.ADMISSION_NOTICE).values_list(
            "recipient_unit__name", flat=True
        )
    )
    assert recipients == {
        org.needs_assessment.name,
        org.home_health_care.name,
        org.health_centre.name,
    }
    notice = Message.objects.filter(episode=episode, recipient_unit=org.needs_assessment).get()
    assert notice.data["identifier"] == "19410708-9981"
    assert notice.data["estimated_discharge_date"] == episode.estimated_discharge_date.isoformat()


def test_a_second_active_episode_for_the_same_person_is_refused(org):
    admit(org)
    with pytest.raises(ActionError) as error:
        admit(org)
    assert error.value.code == "active_episode_exists"


def test_readmission_within_30_days_links_to_the_earlier_episode(org):
    start = timezone.now() - dt.timedelta(days=40)
    first = admit(org, admitted_at=start)
    actions.do_discharge(org.nurse, first, "home", discharged_at=start + dt.timedelta(days=5))
    second = admit(org, admitted_at=start + dt.timedelta(days=35))
    assert second.readmission_of == first
    assert second.events.filter(kind=EventKind.READMISSION_LINKED).exists()


def test_an_unknown_person_needs_a_name(org):
    with pytest.raises(ActionError) as error:
        actions.do_admit(
            org.nurse, org.ward, actions.AdmissionInput(identifier=TEST_IDENTIFIERS[5])
        )
    assert error.value.field == "given_name"
