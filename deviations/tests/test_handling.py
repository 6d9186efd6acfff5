"""The receiving contact's work and the reporter's close or send-back, each one transaction
with an event row; who may do what; and who may read the deviation."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from audit.models import AccessLog
from core.errors import ActionError
from deviations import actions
from deviations.access import get_deviation_for_user, sees_episode
from deviations.models import DeviationEvent, DeviationState
from organisations.models import Role, Unit
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def deviation(org, contacts, episode):
    return actions.do_report(
        org.home_care_nurse,
        episode,
        receiving_unit=org.ward,
        category_key="medication_list",
        event_date=timezone.localdate(),
        what_happened="Ingen läkemedelslista följde med.",
    ).deviation


def answer(user, deviation, **changes):
    fields = dict(cause="Utskrivningen skedde i skiftbytet.", measures="Checklista.", systemic=True)
    fields.update(changes)
    return actions.do_answer(user, deviation, **fields)


def kinds(deviation):
    return list(DeviationEvent.objects.filter(deviation=deviation).values_list("kind", flat=True))


def test_the_whole_story_acknowledge_question_reply_answer_send_back_answer_close(
    org, contacts, deviation
):
    actions.do_acknowledge(contacts.ward, deviation)
    actions.do_ask_question(contacts.ward, deviation, "Vilken dag kom patienten hem?")
    deviation.refresh_from_db()
    assert deviation.state == DeviationState.QUESTION
    actions.do_reply(org.home_care_nurse, deviation, "I tisdags kväll.")
    answer(contacts.ward, deviation)
    actions.do_send_back(org.home_care_nurse, deviation, "Svaret säger inget om helgerna.")
    deviation.refresh_from_db()
    assert deviation.state == DeviationState.SENT_BACK
    answer(contacts.ward, deviation, measures="Checklista, även helger.")
    actions.do_close(org.home_care_nurse, deviation)
    deviation.refresh_from_db()
    assert deviation.state == DeviationState.CLOSED
    assert deviation.measures == "Checklista, även helger."
    assert deviation.first_answered_at < deviation.answered_at
    assert kinds(deviation) == [
        "reported",
        "acknowledged",
        "question_asked",
        "question_answered",
        "answered",
        "sent_back",
        "answered",
        "closed",
    ]


def test_an_answer_by_someone_who_is_not_the_contact_is_refused(org, contacts, deviation):
    for user in (org.nurse, contacts.municipality, org.home_care_nurse):
        with pytest.raises(ActionError) as refused:
            answer(user, deviation)
        assert refused.value.code == "not_contact"
    deviation.refresh_from_db()
    assert deviation.state == DeviationState.REPORTED
    assert kinds(deviation) == ["reported"]


def test_an_answer_needs_cause_measures_and_the_systemic_judgement(contacts, deviation):
    for changes, field in (({"cause": ""}, "cause"), ({"measures": ""}, "measures")):
        with pytest.raises(ActionError) as refused:
            answer(contacts.ward, deviation, **changes)
        assert refused.value.field == field
    with pytest.raises(ActionError) as refused:
        answer(contacts.ward, deviation, systemic=None)
    assert refused.value.field == "systemic"


def test_closing_without_an_answer_is_refused(org, contacts, deviation):
    with pytest.raises(ActionError) as refused:
        actions.do_close(org.home_care_nurse, deviation)
    assert refused.value.code == "not_answered"
    deviation.refresh_from_db()
    assert deviation.state == DeviationState.REPORTED


def test_sending_back_twice_is_refused(org, contacts, deviation):
    answer(contacts.ward, deviation)
    actions.do_send_back(org.home_care_nurse, deviation, "Oklart.")
    answer(contacts.ward, deviation)
    with pytest.raises(ActionError) as refused:
        actions.do_send_back(org.home_care_nurse, deviation, "Fortfarande oklart.")
    assert refused.value.code == "already_sent_back"
    with pytest.raises(ActionError) as no_reason:
        actions.do_send_back(org.home_care_nurse, deviation, "")
    assert no_reason.value.code == "already_sent_back"


def test_sending_back_needs_a_reason(org, contacts, deviation):
    answer(contacts.ward, deviation)
    with pytest.raises(ActionError) as refused:
        actions.do_send_back(org.home_care_nurse, deviation, " ")
    assert refused.value.field == "reason"


def test_passing_on_within_the_organisation_moves_it_to_the_new_units_contact(
    org, contacts, deviation, smtp_server, django_capture_on_commit_callbacks
):
    other_ward = org.other_ward  # same region
    colleague = make_user(
        "othercontact", other_ward, Role.DEVIATION_CONTACT, email="annan@example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_pass_on(contacts.ward, deviation, other_ward, "Patienten låg här sist.")
    deviation.refresh_from_db()
    assert deviation.handling_unit == other_ward
    assert [m["To"] for m in smtp_server.messages] == ["annan@example.org"]
    answer(colleague, deviation)
    with pytest.raises(ActionError):
        answer(contacts.ward, deviation)


def test_passing_on_to_another_organisation_is_refused(org, contacts, deviation):
    with pytest.raises(ActionError) as refused:
        actions.do_pass_on(contacts.ward, deviation, org.needs_assessment)
    assert refused.value.code == "other_principal"


def test_a_unit_without_its_own_contact_is_covered_by_its_principals_contact(
    org, contacts, episode
):
    deviation = actions.do_report(
        org.nurse,
        episode,
        receiving_unit=org.needs_assessment,
        category_key="other",
        event_date=timezone.localdate(),
        what_happened="Ingen kontakt från biståndshandläggningen.",
    ).deviation
    actions.do_acknowledge(contacts.municipality, deviation)
    deviation.refresh_from_db()
    assert deviation.state == DeviationState.ACKNOWLEDGED


def test_readers_are_the_reporting_unit_the_contacts_and_managers_and_each_read_is_logged(
    org, contacts, deviation
):
    manager = make_user("wardmanager", org.ward, Role.MANAGER)
    for user in (org.home_care_nurse, contacts.ward, contacts.municipality, manager):
        assert get_deviation_for_user(user, deviation.public_id) == deviation
    for user in (org.outsider, org.gp_nurse, contacts.process_leader):
        with pytest.raises(Http404):
            get_deviation_for_user(user, deviation.public_id)
    logged = AccessLog.objects.filter(action="deviation.view", episode=deviation.episode)
    assert logged.filter(granted=True).count() == 4
    assert logged.filter(granted=False).count() == 3


def test_the_episode_stays_need_to_know_for_contacts_and_managers(org, contacts, deviation):
    manager = make_user("wardmanager", org.ward, Role.MANAGER)
    assert sees_episode(org.home_care_nurse, deviation.episode)
    assert not sees_episode(contacts.ward, deviation.episode)
    assert not sees_episode(manager, deviation.episode)


def test_a_refused_action_changes_nothing(org, contacts, deviation):
    unit_count = Unit.objects.count()
    with pytest.raises(ActionError):
        actions.do_pass_on(contacts.ward, deviation, None)
    deviation.refresh_from_db()
    assert deviation.handling_unit == org.ward
    assert kinds(deviation) == ["reported"]
    assert Unit.objects.count() == unit_count


def test_a_process_leader_at_the_reporting_unit_reads_statistics_not_the_deviation(
    org, contacts, deviation
):
    leader = make_user("hhcleader", org.home_health_care, Role.PROCESS_LEADER)
    with pytest.raises(Http404):
        get_deviation_for_user(leader, deviation.public_id)
