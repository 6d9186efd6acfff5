"""Building SIPs for the tests, through the real actions only."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from organisations.models import Principal
from sip import actions
from sip.models import Consent, MeetingForm, Sip
from tests.factories import admit


def in_a_stay(org, **kw) -> Sip:
    """A patient admitted with home care ahead; the health centre starts the SIP."""
    episode = admit(org, **kw)
    return actions.do_start_sip(org.gp_nurse, episode=episode, note="Hemtjänst och hemsjukvård")


def consented(org, sip: Sip | None = None, consent: str = Consent.INDIVIDUAL) -> Sip:
    sip = sip or in_a_stay(org)
    return actions.do_record_consent(
        org.gp_nurse,
        sip,
        consent,
        scope="SIP och informationsdelning",
        relatives_may_take_part=True,
    )


def invited(org, sip: Sip | None = None, *, meeting_in: dt.timedelta = dt.timedelta(days=2)):
    sip = consented(org, sip)
    return actions.do_invite(
        org.gp_nurse,
        sip,
        actions.InvitationInput(
            units=[org.home_health_care, org.needs_assessment],
            meeting_form=MeetingForm.IN_PERSON,
            meeting_at=timezone.now() + meeting_in,
            place="Vårdcentralen Partille, rum 3",
            relatives=["Karin Testsson (dotter)"],
        ),
    )


def held(org, sip: Sip | None = None) -> Sip:
    sip = invited(org, sip)
    attended = list(sip.participants.all())
    return actions.do_record_meeting(org.gp_nurse, sip, attended)


def plan_input(org, **changes) -> actions.PlanInput:
    region = org.health_centre.principal
    municipality = org.home_health_care.principal
    data = dict(
        what_matters="Att få bo kvar hemma och gå till affären själv.",
        needs="Hjälp med läkemedel och dusch.",
        goals="Klara sig hemma med stöd.",
        actions=[
            actions.ActionInput(
                description="Läkemedelsgenomgång",
                principal=region,
                unit=org.health_centre,
                start=timezone.localdate(),
            ),
            actions.ActionInput(
                description="Hemsjukvård: dosett varje vecka",
                principal=municipality,
                unit=org.home_health_care,
                person="Anna Sjuksköterska",
            ),
        ],
        lead_principal=region,
        follow_up_date=timezone.localdate() + dt.timedelta(days=30),
        individual_part="Sven tar sina promenader; dottern handlar på lördagar.",
        self_care="Blodsockermätning (bedömd av vårdcentralen), Sven själv.",
        contacts=[actions.ContactInput(unit=org.home_health_care, name="Anna", phone="031-1")],
    )
    data.update(changes)
    return actions.PlanInput(**data)


def planned(org, sip: Sip | None = None) -> Sip:
    sip = held(org, sip)
    actions.do_save_plan(org.gp_nurse, sip, plan_input(org), base_version=0)
    sip.refresh_from_db()
    return sip


def other_principal(org) -> Principal:
    return org.unrelated_needs_assessment.principal
