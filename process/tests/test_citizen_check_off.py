"""Issue 13: the individual (or a representative) marks their own lane's activities done in Min
planering, when the work description lets them; staff can still check them off."""

import pytest
from django.urls import reverse

from core.errors import ActionError
from episodes import actions as episode_actions
from process.actions import (
    CitizenActor,
    complete_by_citizen_action,
    do_check_off,
    do_citizen_check_off,
)
from process.definition import DefinitionError, parse_definition
from process.models import ActivityLog, ActivityStatus, CitizenRole, LogKind
from process.tests.test_definition_file import VALID
from tests.factories import TEST_IDENTIFIERS, admit, make_individual

SVEN = CitizenActor(name="Sven Testsson", identifier=TEST_IDENTIFIERS[0])
KARIN = CitizenActor(
    name="Karin Testsson", identifier=TEST_IDENTIFIERS[1], as_representative=True, relation="dotter"
)


def _refused(actor, row, individual) -> str:
    with pytest.raises(ActionError) as error:
        do_citizen_check_off(actor, row.public_id, individual)
    return error.value.code


def test_the_individual_marks_their_own_activity_done_without_a_staff_user(org, activity):
    episode = admit(org)
    do_citizen_check_off(SVEN, activity(episode, "EN-02").public_id, episode.individual)
    row = activity(episode, "EN-02")
    assert row.status == ActivityStatus.DONE and row.completed_at is not None
    assert row.completed_by is None and row.completed_unit is None
    assert (row.citizen_name, row.citizen_role) == ("Sven Testsson", CitizenRole.INDIVIDUAL)
    assert row.citizen_completion == "Markerad av den enskilde (Sven Testsson)"
    log = ActivityLog.objects.get(activity=row, kind=LogKind.MARKED_BY_CITIZEN)
    assert log.actor is None
    assert log.data["name"] == "Sven Testsson" and log.data["role"] == "individual"


def test_a_representative_is_recorded_with_the_representation_s_relation(org, activity):
    episode = admit(org)
    do_citizen_check_off(KARIN, activity(episode, "EN-04").public_id, episode.individual)
    row = activity(episode, "EN-04")
    assert row.citizen_role == CitizenRole.REPRESENTATIVE and row.citizen_relation == "dotter"
    assert row.citizen_completion == "Markerad av företrädare (dotter)"


def test_another_lane_s_activity_is_refused(org, activity):
    episode = admit(org)
    assert _refused(SVEN, activity(episode, "SV-05"), episode.individual) == "other_lane"
    assert activity(episode, "SV-05").status != ActivityStatus.DONE


def test_marking_twice_is_refused(org, activity):
    episode = admit(org)
    do_citizen_check_off(SVEN, activity(episode, "EN-01").public_id, episode.individual)
    assert _refused(SVEN, activity(episode, "EN-01"), episode.individual) == "already_done"
    assert ActivityLog.objects.filter(kind=LogKind.MARKED_BY_CITIZEN).count() == 1


def test_an_activity_the_definition_leaves_to_staff_is_refused(org, activity):
    episode = admit(org)
    # EN-08 (offered the survey) is the health centre's to record, not the individual's.
    assert _refused(SVEN, activity(episode, "EN-08"), episode.individual) == "staff_only"


def test_another_individual_s_activity_is_not_found(org, activity):
    episode = admit(org)
    other = make_individual(org, TEST_IDENTIFIERS[5], given_name="Stina")
    assert _refused(SVEN, activity(episode, "EN-02"), other) == "not_found"


def test_an_ended_stay_is_refused(org, activity):
    episode = admit(org)
    episode_actions.do_exit(org.nurse, episode, "declined")
    row = activity(episode, "EN-02")
    assert _refused(SVEN, row, episode.individual) == "ended"
    assert activity(episode, "EN-02").status != ActivityStatus.DONE


def test_after_discharge_only_the_after_discharge_part_can_be_marked(org, activity):
    episode = admit(org)
    episode_actions.do_discharge(org.nurse, episode, "home")
    assert _refused(SVEN, activity(episode, "EN-02"), episode.individual) == "ended"
    do_citizen_check_off(SVEN, activity(episode, "EN-07").public_id, episode.individual)
    assert activity(episode, "EN-07").status == ActivityStatus.DONE


def test_staff_can_still_check_off_what_the_individual_may_mark(org, activity):
    episode = admit(org)
    do_check_off(org.nurse, activity(episode, "EN-02"))
    row = activity(episode, "EN-02")
    assert row.completed_by == org.nurse and row.citizen_completion == ""


def test_the_individual_s_own_action_completes_its_activity_once(org, activity):
    episode = admit(org)
    done = complete_by_citizen_action(SVEN, episode.individual, "own_words")
    assert [a.definition.key for a in done] == ["EN-02"]
    assert activity(episode, "EN-02").status == ActivityStatus.DONE
    assert complete_by_citizen_action(SVEN, episode.individual, "own_words") == []
    # No activity of this work description is completed by asking for a SIP.
    assert complete_by_citizen_action(SVEN, episode.individual, "ask_sip") == []


def test_the_staff_episode_page_shows_who_marked_it(org, activity, client):
    episode = admit(org)
    do_citizen_check_off(SVEN, activity(episode, "EN-02").public_id, episode.individual)
    do_citizen_check_off(KARIN, activity(episode, "EN-04").public_id, episode.individual)
    client.force_login(org.nurse)
    page = client.get(reverse("episode", args=[episode.public_id])).content.decode()
    assert "Markerad av den enskilde (Sven Testsson)" in page
    assert "Markerad av företrädare (dotter)" in page


INDIVIDUAL_ACTIVITY = """\
  - id: E-1
    title: Den enskilde berättar vad som är viktigt
    lane: individual
    phase: stay
    performer: {lanes: [inpatient], roles: [nurse]}
    goal: Mål.
    purpose: Syfte.
    due: {before: A-1}
    deadline: guidance
    completed_by: manual
    individual: {marks: true, action: own_words}
    effect_goals: [clarity]
"""


def test_the_definition_reads_what_the_individual_may_do():
    parsed = parse_definition(VALID + INDIVIDUAL_ACTIVITY)
    e1 = next(a for a in parsed.activities if a["key"] == "E-1")
    assert (e1["individual_marks"], e1["individual_action"]) == (True, "own_words")
    a2 = next(a for a in parsed.activities if a["key"] == "A-2")
    assert (a2["individual_marks"], a2["individual_action"]) == (False, "")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("lane: individual", "lane: inpatient"), "bara aktiviteter i den enskildes simbana"),
        (("completed_by: manual", "completed_by: {event: discharged}"), "kräver en aktivitet"),
        (("action: own_words", "action: dance"), "okänd handling 'dance'"),
        (("{marks: true, action: own_words}", "{marks: false}"), "ska ha 'marks: true'"),
    ],
)
def test_the_definition_refuses_a_wrong_individual_key(change, reason):
    with pytest.raises(DefinitionError) as error:
        parse_definition(VALID + INDIVIDUAL_ACTIVITY.replace(*change))
    assert reason in error.value.reason and error.value.line


def test_the_catalogue_says_what_the_individual_can_do_themselves(org, client):
    client.force_login(org.nurse)
    page = client.get("/process/katalog/", {"lane": "individual"}).content.decode()
    assert "Kan själv markera klart i Min planering (eller en företrädare)." in page
    assert "Klar när den enskilde skriver vad som är viktigt för hen i Min planering." in page
