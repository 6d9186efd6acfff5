import datetime as dt

from django.utils import timezone

from episodes import actions
from process.models import ActivityLog, ActivityState, LogKind
from tests.factories import TEST_IDENTIFIERS, admit


def test_the_admission_notice_is_due_24_hours_after_admission(org, activity):
    admitted = timezone.now() - dt.timedelta(hours=2)
    episode = admit(org, admitted_at=admitted, send_notice=False)
    notice = activity(episode, "SV-04")
    assert notice.due_at == admitted + dt.timedelta(hours=24)
    assert notice.state() == ActivityState.DUE


def test_a_notice_sent_after_24_hours_is_done_late(org, activity):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    assert activity(episode, "SV-04").state() == ActivityState.OVERDUE
    actions.do_send_admission_notice(org.nurse, episode)
    assert activity(episode, "SV-04").state() == ActivityState.DONE_LATE


def test_a_notice_sent_at_admission_is_done_on_time(org, activity):
    episode = admit(org)
    assert activity(episode, "SV-04").state() == ActivityState.DONE_ON_TIME


def test_a_later_help_need_assessment_restarts_the_24_hours(org, activity):
    admitted = timezone.now() - dt.timedelta(hours=40)
    episode = actions.do_admit(
        org.nurse,
        org.ward,
        actions.AdmissionInput(
            identifier=TEST_IDENTIFIERS[0],
            given_name="Sven",
            family_name="Test",
            admitted_at=admitted,
            may_need_help=False,
        ),
    )
    assert activity(episode, "SV-04").state() == ActivityState.NOT_APPLICABLE
    assessed = timezone.now() - dt.timedelta(hours=3)
    actions.do_assess_help_need(org.physician, episode, True, assessed_at=assessed)
    notice = activity(episode, "SV-04")
    assert notice.due_at == assessed + dt.timedelta(hours=24)
    assert notice.state() == ActivityState.DUE


def test_an_admission_corrected_backwards_makes_the_notice_overdue_and_the_log_says_why(
    org, activity
):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=2), send_notice=False)
    corrected = timezone.now() - dt.timedelta(hours=30)
    actions.do_correct_admission(org.nurse, episode, corrected, "Fel tid registrerad")
    notice = activity(episode, "SV-04")
    assert notice.due_at == corrected + dt.timedelta(hours=24)
    assert notice.state() == ActivityState.OVERDUE
    entry = ActivityLog.objects.filter(activity=notice, kind=LogKind.DUE_CHANGED).last()
    assert entry.data["cause"] == "admission_corrected"
    assert entry.data["due_at"] == notice.due_at.isoformat()


def test_a_later_assessment_is_not_moved_by_an_admission_correction(org, activity):
    admitted = timezone.now() - dt.timedelta(hours=40)
    episode = actions.do_admit(
        org.nurse,
        org.ward,
        actions.AdmissionInput(
            identifier=TEST_IDENTIFIERS[0],
            given_name="Sven",
            family_name="Test",
            admitted_at=admitted,
            may_need_help=False,
        ),
    )
    assessed = timezone.now() - dt.timedelta(hours=3)
    actions.do_assess_help_need(org.physician, episode, True, assessed_at=assessed)
    actions.do_correct_admission(org.nurse, episode, admitted - dt.timedelta(hours=5), "Rättad")
    assert activity(episode, "SV-04").due_at == assessed + dt.timedelta(hours=24)


def test_no_notice_is_expected_when_the_patient_will_not_need_help(org, activity):
    episode = admit(org, send_notice=False)
    actions.do_assess_help_need(org.physician, episode, False)
    notice = activity(episode, "SV-04")
    assert notice.state() == ActivityState.NOT_APPLICABLE
    assert "kan behöva insatser" in notice.not_applicable_reason
