"""A SIP for an individual living at home, started by a municipal or regional unit."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ActionError
from episodes.models import Message
from sip import actions
from sip.models import Consent, MeetingForm, Notice, Requester, SipState
from tests.factories import TEST_IDENTIFIERS


def start(org, user=None, **kw):
    return actions.do_start_sip(
        user or org.needs_assessor,
        identifier=TEST_IDENTIFIERS[3],
        given_name="Elsa",
        family_name="Hemma",
        requested_by=Requester.RELATIVE,
        **kw,
    )


def test_a_needs_assessor_starts_a_sip_for_someone_living_at_home(org):
    sip = start(org)
    assert sip.episode is None
    assert sip.individual.full_name == "Elsa Hemma"
    assert sip.requested_by == "relative"
    assert list(sip.participants.values_list("unit", flat=True)) == [org.needs_assessment.pk]


def test_the_ward_cannot_start_a_sip_outside_a_stay(org):
    with pytest.raises(ActionError) as refused:
        start(org, user=org.nurse)
    assert refused.value.code == "forbidden"


def test_the_invited_units_become_parties_and_get_a_notice(org):
    sip = start(org)
    actions.do_record_consent(org.needs_assessor, sip, Consent.INDIVIDUAL)
    actions.do_invite(
        org.needs_assessor,
        sip,
        actions.InvitationInput(
            units=[org.health_centre, org.home_health_care],
            meeting_form=MeetingForm.VIDEO,
            meeting_at=timezone.now() + dt.timedelta(days=5),
        ),
    )
    sip.refresh_from_db()
    assert sip.state == SipState.INVITED
    assert set(Notice.objects.filter(sip=sip).values_list("unit", flat=True)) == {
        org.health_centre.pk,
        org.home_health_care.pk,
    }
    assert not Message.objects.exists()  # no stay, no episode message


def test_inviting_only_the_own_principal_is_refused(org):
    sip = start(org)
    actions.do_record_consent(org.needs_assessor, sip, Consent.INDIVIDUAL)
    with pytest.raises(ActionError) as refused:
        actions.do_invite(
            org.needs_assessor,
            sip,
            actions.InvitationInput(
                units=[org.home_health_care],
                meeting_form=MeetingForm.PHONE,
                meeting_at=timezone.now() + dt.timedelta(days=5),
            ),
        )
    assert refused.value.code == "one_principal"
    assert not Notice.objects.exists()


def test_a_relative_contacted_must_be_named(org):
    sip = start(org)
    with pytest.raises(ActionError) as refused:
        actions.do_record_consent(org.needs_assessor, sip, Consent.RELATIVE_CONTACTED)
    assert refused.value.field == "relative"
    sip.refresh_from_db()
    assert sip.state == SipState.IDENTIFIED
