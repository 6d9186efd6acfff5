import datetime as dt

from django.utils import timezone

from core.timerules import end_of_local_day, local_date
from episodes import actions
from process.models import ActivityState
from tests.factories import admit


def ready_since(org, *, hours: float, sip: bool = True):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(days=6))
    if sip:
        actions.do_assess_sip_need(org.gp_nurse, episode, True)
    ready = timezone.now() - dt.timedelta(hours=hours)
    actions.do_send_ready_notice(org.physician, episode, occurred_at=ready)
    return episode, ready


def test_the_sip_invitation_is_due_at_the_end_of_the_third_calendar_day_after_the_ready_notice(
    org, activity
):
    episode, ready = ready_since(org, hours=1)
    invitation = activity(episode, "RP-07")
    assert invitation.due_at == end_of_local_day(local_date(ready) + dt.timedelta(days=3))
    assert invitation.unit_id == org.health_centre.id


def test_a_revoked_ready_notice_cancels_the_sip_deadline_and_the_next_one_restarts_it(
    org, activity
):
    episode, _ready = ready_since(org, hours=100)
    assert activity(episode, "RP-07").state() == ActivityState.OVERDUE
    actions.do_revoke_ready_notice(org.physician, episode, "Feber")
    invitation = activity(episode, "RP-07")
    assert invitation.due_at is None
    assert invitation.state() == ActivityState.UPCOMING
    assert (
        activity(episode, "SV-13").state() == ActivityState.UPCOMING
    )  # the notice is to send again
    again = timezone.now()
    actions.do_send_ready_notice(org.physician, episode, occurred_at=again)
    assert activity(episode, "RP-07").due_at == end_of_local_day(
        local_date(again) + dt.timedelta(days=3)
    )
    assert activity(episode, "SV-13").state() == ActivityState.DONE_ON_TIME


def test_the_sip_invitation_completes_the_activity(org, activity):
    episode, _ready = ready_since(org, hours=1)
    actions.do_record_sip_invitation(org.gp_nurse, episode, timezone.now() + dt.timedelta(days=2))
    assert activity(episode, "RP-07").state() == ActivityState.DONE_ON_TIME


def test_no_sip_invitation_is_expected_without_a_sip_need(org, activity):
    episode, _ready = ready_since(org, hours=1, sip=False)
    assert activity(episode, "RP-07").state() == ActivityState.NOT_APPLICABLE


def test_psychiatric_compulsory_care_gets_a_coordinated_care_plan_instead_of_sip(org, activity):
    episode = admit(org, is_compulsory_care=True)
    actions.do_assess_sip_need(org.gp_nurse, episode, True)
    assert activity(episode, "RP-07").state() == ActivityState.NOT_APPLICABLE
    assert activity(episode, "SV-19").state() == ActivityState.UPCOMING
    assert activity(episode, "SV-04").state() == ActivityState.DONE_ON_TIME


def test_information_transfer_and_summary_are_due_by_the_end_of_the_discharge_day(org, activity):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(days=6))
    discharged = timezone.now() - dt.timedelta(days=2)
    actions.do_discharge(org.nurse, episode, "home", discharged_at=discharged)
    for key in ("SV-15", "SV-16"):
        row = activity(episode, key)
        assert row.due_at == end_of_local_day(local_date(discharged))
        assert row.state() == ActivityState.OVERDUE
    actions.do_record_information_transfer(org.nurse, episode)
    assert activity(episode, "SV-15").state() == ActivityState.DONE_LATE


def test_information_transferred_before_discharge_is_on_time(org, activity):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(days=3))
    actions.do_record_information_transfer(
        org.nurse, episode, occurred_at=timezone.now() - dt.timedelta(hours=5)
    )
    actions.do_record_summary(org.nurse, episode)
    actions.do_discharge(org.nurse, episode, "home")
    assert activity(episode, "SV-15").state() == ActivityState.DONE_ON_TIME
    assert activity(episode, "SV-16").state() == ActivityState.DONE_ON_TIME


def test_a_designated_care_contact_is_due_before_discharge(org, activity):
    episode = admit(org)
    assert activity(episode, "RP-03").state() == ActivityState.UPCOMING
    actions.do_discharge(org.nurse, episode, "home")
    assert activity(episode, "RP-03").state() == ActivityState.OVERDUE


def test_an_exit_makes_the_open_activities_not_applicable(org, activity):
    episode = admit(org)
    actions.do_exit(org.nurse, episode, "death")
    assert activity(episode, "SV-15").state() == ActivityState.NOT_APPLICABLE
    assert activity(episode, "SV-04").state() == ActivityState.DONE_ON_TIME


def test_acknowledging_the_notice_completes_only_the_acknowledging_lane(org, activity):
    from episodes.models import Message

    episode = admit(org)
    message = Message.objects.get(episode=episode, recipient_unit=org.needs_assessment)
    actions.do_acknowledge(org.needs_assessor, message)
    assert activity(episode, "ST-01").state() == ActivityState.DONE_ON_TIME
    assert activity(episode, "KH-01").status == "open"
