"""The demo SIPs: every state, in stays and outside them, in several areas."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from organisations.models import Role, Unit
from sip.models import Sip, SipState
from tests.factories import TEST_IDENTIFIERS, admit, make_user


def test_the_demo_has_sips_in_every_state_in_and_outside_stays_in_several_areas(org):
    for index, unit in enumerate(Unit.objects.filter(area__name__in=["Centrum", "Öckerö"])):
        role = Role.NEEDS_ASSESSOR if unit.lane == "social_services" else Role.NURSE
        make_user(f"demo{index}", unit, role)
    for identifier in TEST_IDENTIFIERS[:8]:
        admit(
            org,
            identifier=identifier,
            admitted_at=timezone.now() - dt.timedelta(days=15),
            send_notice=False,
        )
    call_command("seed_sip_demo")
    states = set(Sip.objects.values_list("state", flat=True))
    assert states == set(SipState.values)
    assert Sip.objects.filter(episode__isnull=True).count() >= 5
    areas = set(
        Sip.objects.filter(episode__isnull=True).values_list(
            "individual__residence_area__name", flat=True
        )
    )
    assert {"Partille", "Centrum", "Öckerö"} <= areas
    overdue = [s for s in Sip.objects.filter(state=SipState.ACTIVE) if s.follow_up_overdue()]
    assert overdue
    count = Sip.objects.count()
    call_command("seed_sip_demo")  # a second run changes nothing
    assert Sip.objects.count() == count


def test_the_demo_has_a_coordinated_care_plan_requests_and_own_words(org):
    from organisations.models import UnitKind
    from sip.models import OwnWords, SipKind, SipRequest
    from tests.factories import make_individual

    for index, unit in enumerate(Unit.objects.filter(area__name__in=["Centrum", "Partille"])):
        role = Role.NEEDS_ASSESSOR if unit.lane == "social_services" else Role.NURSE
        make_user(f"demo{index}", unit, role)
    for identifier in TEST_IDENTIFIERS[:3]:
        make_individual(org, identifier)  # at home in Partille, no SIP yet
    call_command("seed_sip_demo")
    plan = Sip.objects.get(kind=SipKind.COORDINATED_CARE_PLAN)
    assert plan.state == SipState.ACTIVE and plan.episode.is_compulsory_care
    assert plan.started_unit.kind == UnitKind.PSYCHIATRIC_OUTPATIENT
    assert plan.plan_version == 1
    assert set(SipRequest.objects.values_list("kind", flat=True)) == {"care", "sip"}
    assert SipRequest.objects.filter(from_unit__isnull=True).count() == 1
    assert OwnWords.objects.count() == 1
