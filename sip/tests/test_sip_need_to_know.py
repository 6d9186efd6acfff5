"""Only the units taking part see a SIP; every read is logged; protected identity."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from audit.models import AccessLog
from sip import access, actions
from sip.models import Participant
from sip.tests import builders


def test_a_participating_unit_reads_the_sip_and_the_read_is_logged(org):
    sip = builders.invited(org)
    assert access.get_sip_for_user(org.home_care_nurse, sip.public_id) == sip
    row = AccessLog.objects.get(user=org.home_care_nurse, action="sip.view")
    assert row.granted and row.individual_id == sip.individual_id
    assert row.unit_id == org.home_health_care.pk


def test_a_unit_not_taking_part_is_refused_and_the_refusal_is_logged(org):
    sip = builders.invited(org)
    with pytest.raises(Http404):
        access.get_sip_for_user(org.outsider, sip.public_id)
    assert AccessLog.objects.get(user=org.outsider, action="sip.view").granted is False


def test_a_manager_sees_no_sip_by_being_a_member(org):
    sip = builders.invited(org)
    with pytest.raises(Http404):
        access.get_sip_for_user(org.manager, sip.public_id)
    assert sip not in access.visible_sips(org.manager)


def test_a_removed_unit_keeps_a_short_window_but_not_for_a_protected_identity(org):
    sip = builders.invited(org)
    Participant.objects.filter(sip=sip, unit=org.home_health_care).update(
        removed_at=timezone.now() - dt.timedelta(days=1)
    )
    assert sip in access.visible_sips(org.home_care_nurse)
    sip.individual.protected_identity = True
    sip.individual.save()
    assert sip not in access.visible_sips(org.home_care_nurse)


def test_a_closed_sip_stays_readable_for_the_window_after_it_ended(org, settings):
    sip = builders.planned(org)
    actions.do_close(org.gp_nurse, sip, "goals_met")
    assert sip in access.visible_sips(org.home_care_nurse)
    settings.SAMSYN_ACCESS_AFTER_END_DAYS = 0
    sip.refresh_from_db()
    type(sip).objects.filter(pk=sip.pk).update(ended_at=timezone.now() - dt.timedelta(days=1))
    assert sip not in access.visible_sips(org.home_care_nurse)


def test_a_list_logs_each_sip_shown(org):
    sip = builders.invited(org)
    access.log_list(org.home_care_nurse, "sip.list", [sip])
    assert AccessLog.objects.filter(action="sip.list", individual=sip.individual).count() == 1
