"""'Att göra nu' for a discharged patient (issue 10): what can no longer be done leaves the
list for the "Missade" view, and what can still be done after discharge stays."""

import datetime as dt

from django.utils import timezone

from episodes import actions
from process.worklist import by_patient, missed_for_user, todo_for_user
from tests.factories import TEST_IDENTIFIERS, admit


def titles(items, episode):
    return {i.activity.title for i in items if i.episode == episode}


def late_admission(org, identifier=TEST_IDENTIFIERS[0]):
    """Admitted three days ago and the notice never sent: its 24-hour deadline has passed."""
    return admit(
        org,
        identifier=identifier,
        admitted_at=timezone.now() - dt.timedelta(days=3),
        send_notice=False,
    )


def test_a_missed_notice_is_to_do_while_the_patient_is_in_hospital(org):
    episode = late_admission(org)
    todo = todo_for_user(org.nurse)
    assert "Skicka inskrivningsmeddelande" in titles(todo, episode)
    assert missed_for_user(org.nurse) == []


def test_after_discharge_the_missed_notice_moves_to_missade_and_the_discharge_day_stays(org):
    episode = late_admission(org)
    actions.do_discharge(org.nurse, episode, "home")
    todo = titles(todo_for_user(org.nurse), episode)
    missed = titles(missed_for_user(org.nurse), episode)
    # The notice and the ready notice can no longer be sent: the stay has ended.
    assert "Skicka inskrivningsmeddelande" not in todo
    assert {"Skicka inskrivningsmeddelande", "Skicka meddelande om utskrivningsklar"} <= missed
    # The paperwork of the discharge day can still be done, so it stays to do.
    assert "Överför information till berörda enheter" in todo
    assert not todo & missed


def test_the_start_page_and_the_missade_page_show_each_list(org, client):
    episode = late_admission(org)
    actions.do_discharge(org.nurse, episode, "home")
    client.force_login(org.nurse)
    home = client.get("/").content.decode()
    assert "Skicka inskrivningsmeddelande" not in home
    assert "Överför information till berörda enheter" in home
    page = client.get("/att-gora/missade/").content.decode()
    assert "Skicka inskrivningsmeddelande" in page
    assert "Sven Testsson" in page


def test_the_list_is_grouped_by_patient_the_most_urgent_patient_first(org):
    later = admit(org, identifier=TEST_IDENTIFIERS[1], send_notice=False)  # 2 hours ago
    sooner = late_admission(org)  # three days ago: its rows are overdue
    groups = by_patient(todo_for_user(org.nurse))
    assert [g.episode for g in groups] == [sooner, later]
    assert groups[0].state == "overdue"
    assert all(i.episode == g.episode for g in groups for i in g.items)


def test_work_of_an_ended_stay_moves_to_missade_a_week_after_its_deadline(org, time_machine):
    """Discharged today: the information transfer (due at the end of the discharge day) is to
    do; eight days later it is a missed deadline, no longer something to do now."""
    episode = late_admission(org)
    actions.do_discharge(org.nurse, episode, "home")
    assert "Överför information till berörda enheter" in titles(todo_for_user(org.nurse), episode)
    time_machine.move_to(timezone.now() + dt.timedelta(days=9), tick=True)
    assert "Överför information till berörda enheter" not in titles(
        todo_for_user(org.nurse), episode
    )
    assert "Överför information till berörda enheter" in titles(missed_for_user(org.nurse), episode)
