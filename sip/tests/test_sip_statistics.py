"""SIP statistics, checked against cases worked out by hand.

The cases (Stockholm time, 2026):
- SIP 1, in a stay, by the health centre (region): ready notice 2 March 10:00; consent and
  invitation 4 March (2 calendar days after the ready notice); meeting 6 March with the
  individual; plan with follow-up 20 March; followed up 19 March (on time) and closed.
- SIP 2, at home, by the needs assessor (Partille): declined 10 March.
- SIP 3, at home, by the needs assessor: consent and invitation 2 April; meeting 5 April
  without the individual; plan with follow-up 10 April; followed up 15 April (late), next
  follow-up 15 May.

By principal: March, region: offered 1, consented 1, invited 1 (2 days), held 1 (individual
took part 1), followed up 1 (on time 1), closed 1; March, Partille: offered 1, declined 1;
April, Partille: offered 1, consented 1, invited 1 (no ready notice), held 1 (took part 0),
followed up 1 (on time 0). Totals: offered 3, consented 2, declined 1, held 2, share with the
individual 1/2, on time 1/2, closed 1, mean days from ready notice to invitation 2.0.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from episodes import actions as episode_actions
from sip import actions
from sip.models import Consent, MeetingForm
from sip.statistics import sip_statistics
from sip.tests import builders
from tests.factories import TEST_IDENTIFIERS

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(month, day, hour=10):
    return time_machine.travel(dt.datetime(2026, month, day, hour, tzinfo=STOCKHOLM), tick=False)


def plan(org, sip, follow_up: dt.date, lead):
    actions.do_save_plan(
        org.gp_nurse if lead == "region" else org.needs_assessor,
        sip,
        builders.plan_input(
            org,
            follow_up_date=follow_up,
            contacts=[],
            lead_principal=(
                org.health_centre.principal if lead == "region" else org.needs_assessment.principal
            ),
        ),
        base_version=0,
    )


@pytest.fixture
def cases(org):
    with at(3, 1):
        sip1 = builders.in_a_stay(org)
    with at(3, 2):
        episode_actions.do_send_ready_notice(org.physician, sip1.episode)
    with at(3, 4):
        builders.invited(org, sip1)
    with at(3, 6, 11):
        actions.do_record_meeting(org.gp_nurse, sip1, list(sip1.participants.all()))
        plan(org, sip1, dt.date(2026, 3, 20), "region")
    with at(3, 19):
        actions.do_follow_up(org.gp_nurse, sip1, {}, base_version=1, close_reason="goals_met")
    with at(3, 10):
        sip2 = actions.do_start_sip(
            org.needs_assessor,
            identifier=TEST_IDENTIFIERS[6],
            given_name="Ada",
            family_name="Hemma",
        )
        actions.do_record_consent(org.needs_assessor, sip2, Consent.DECLINED)
    with at(4, 2):
        sip3 = actions.do_start_sip(
            org.needs_assessor, identifier=TEST_IDENTIFIERS[7], given_name="Bo", family_name="Hemma"
        )
        actions.do_record_consent(org.needs_assessor, sip3, Consent.INDIVIDUAL)
        actions.do_invite(
            org.needs_assessor,
            sip3,
            actions.InvitationInput(
                units=[org.health_centre],
                meeting_form=MeetingForm.PHONE,
                meeting_at=dt.datetime(2026, 4, 5, 9, tzinfo=STOCKHOLM),
            ),
        )
    with at(4, 5, 11):
        units_only = [p for p in sip3.participants.all() if p.unit_id]
        actions.do_record_meeting(org.needs_assessor, sip3, units_only)
        plan(org, sip3, dt.date(2026, 4, 10), "municipality")
    with at(4, 15):
        actions.do_follow_up(
            org.needs_assessor, sip3, {}, base_version=1, next_date=dt.date(2026, 5, 15)
        )
    return org


def test_the_figures_per_principal_and_month_are_the_hand_computed_ones(cases):
    org = cases
    rows, total = sip_statistics(dt.date(2026, 3, 1), dt.date(2026, 4, 30), by="principal")
    region, municipality = org.health_centre.principal.name, org.needs_assessment.principal.name
    got = {(r.month.month, r.group): r.figures.as_dict() for r in rows}
    assert set(got) == {(3, region), (3, municipality), (4, municipality)}
    march_region = got[(3, region)]
    assert (march_region["offered"], march_region["consented"], march_region["invited"]) == (
        1,
        1,
        1,
    )
    assert march_region["mean_ready_to_invitation_days"] == 2.0
    assert (march_region["held"], march_region["individual_took_part"]) == (1, 1)
    assert (march_region["followed_up"], march_region["followed_up_on_time"]) == (1, 1)
    assert march_region["closed"] == 1
    assert (got[(3, municipality)]["offered"], got[(3, municipality)]["declined"]) == (1, 1)
    april = got[(4, municipality)]
    assert (april["offered"], april["consented"], april["invited"], april["held"]) == (1, 1, 1, 1)
    assert april["individual_took_part"] == 0 and april["mean_ready_to_invitation_days"] is None
    assert (april["followed_up"], april["followed_up_on_time"]) == (1, 0)
    totals = total.as_dict()
    assert (totals["offered"], totals["consented"], totals["declined"]) == (3, 2, 1)
    assert totals["share_individual_took_part"] == 0.5
    assert totals["share_followed_up_on_time"] == 0.5
    assert totals["closed"] == 1 and totals["mean_ready_to_invitation_days"] == 2.0


def test_who_invites_per_unit(cases):
    org = cases
    rows, _ = sip_statistics(dt.date(2026, 3, 1), dt.date(2026, 4, 30), by="unit")
    invites = {(r.month.month, r.group): r.figures.invited for r in rows if r.figures.invited}
    assert invites == {(3, org.health_centre.name): 1, (4, org.needs_assessment.name): 1}


def test_a_month_outside_the_period_is_not_counted(cases):
    rows, total = sip_statistics(dt.date(2026, 4, 1), dt.date(2026, 4, 30), by="area")
    # Bo was started at home, with no residence area known.
    assert total.offered == 1 and [r.group for r in rows] == ["–"]


def test_the_statistics_page_and_api_are_for_process_leaders(cases, client):
    org = cases
    client.force_login(org.manager)
    page = client.get(reverse("sip_statistics") + "?start=2026-03-01&end=2026-04-30&by=principal")
    assert page.status_code == 200 and "Erbjudna" in page.content.decode()
    api = client.get("/api/sip/statistics?start=2026-03-01&end=2026-04-30&by=principal").json()
    assert api["total"]["offered"] == 3
    client.force_login(org.gp_nurse)
    assert client.get(reverse("sip_statistics")).status_code == 403
