import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLog
from organisations.models import Membership, Role
from process.worklist import swimlanes, todo_for_user
from tests.factories import TEST_IDENTIFIERS, admit


def test_the_overdue_admission_notice_comes_first_with_patient_why_and_a_link_to_the_form(org):
    admit(
        org,
        identifier=TEST_IDENTIFIERS[1],
        admitted_at=timezone.now() - dt.timedelta(hours=3),
        send_notice=False,
    )
    late = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    items = todo_for_user(org.nurse)
    first = items[0]
    assert (first.activity.key, first.state, first.episode) == ("SV-04", "overdue", late)
    assert first.episode.individual.full_name == "Sven Testsson"
    assert first.url == f"/vardtillfallen/{late.public_id}/#step-send_admission_notice"
    assert first.why.startswith("Berörda enheter får veta om inskrivningen inom 24 timmar")
    assert [i.due_at for i in items] == sorted(i.due_at for i in items)


def test_each_user_sees_only_their_own_lane_and_role(org):
    admit(org, admitted_at=timezone.now() - dt.timedelta(hours=3))
    assert {i.lane for i in todo_for_user(org.needs_assessor)} == {"social_services"}
    assert {i.lane for i in todo_for_user(org.gp_nurse)} <= {"regional_primary_care", "individual"}
    assert todo_for_user(org.outsider) == []
    assert todo_for_user(org.manager) == []


def test_reading_the_list_is_logged_per_patient(org):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    todo_for_user(org.nurse)
    log = AccessLog.objects.get(user=org.nurse, action="process.todo")
    assert (log.episode, log.individual, log.unit) == (episode, episode.individual, org.ward)


def test_a_nurse_of_two_wards_is_logged_as_seeing_the_patient_through_the_ward_of_the_stay(org):
    Membership.objects.create(user=org.nurse, unit=org.other_ward, role=Role.NURSE)
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    assert episode in {i.episode for i in todo_for_user(org.nurse)}
    log = AccessLog.objects.get(user=org.nurse, action="process.todo")
    assert (log.episode, log.unit) == (episode, org.ward)


def test_the_number_of_queries_does_not_grow_with_the_number_of_episodes(org):
    admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    with CaptureQueriesContext(connection) as one:
        assert len(todo_for_user(org.nurse)) >= 1
    for identifier in TEST_IDENTIFIERS[1:6]:
        admit(
            org,
            identifier=identifier,
            admitted_at=timezone.now() - dt.timedelta(hours=30),
            send_notice=False,
        )
    with CaptureQueriesContext(connection) as six:
        assert len({i.episode.pk for i in todo_for_user(org.nurse)}) == 6
    assert len(six) == len(one)


def test_a_page_cut_among_rows_of_one_due_time_keeps_the_order_of_the_whole_list(org):
    # Stays admitted at the same moment share their deadlines: the page is cut among ties.
    at = timezone.now() - dt.timedelta(hours=30)
    for identifier in TEST_IDENTIFIERS[1:5]:
        admit(org, identifier=identifier, admitted_at=at, send_notice=False)
    everything = todo_for_user(org.nurse)
    assert len({i.due_at for i in everything}) < len(everything)
    with CaptureQueriesContext(connection) as whole:
        todo_for_user(org.nurse)
    for limit in (1, 3, len(everything) - 1):
        with CaptureQueriesContext(connection) as page_queries:
            page = todo_for_user(org.nurse, limit=limit)
        assert [i.episode_activity.pk for i in page] == [
            i.episode_activity.pk for i in everything[:limit]
        ]
        assert len(page_queries) == len(whole)


def test_swimlanes_show_four_lanes_and_the_individual_with_who_may_check_off(org):
    episode = admit(org)
    lanes = swimlanes(episode, org.nurse)
    assert [lane.label for lane in lanes] == [
        "Slutenvård",
        "Regional primärvård",
        "Kommunal hälso- och sjukvård",
        "Socialtjänst",
        "Den enskilde",
    ]
    items = {i.activity.key: i for lane in lanes for i in lane.items}
    assert items["SV-04"].state == "done_on_time"
    assert items["SV-05"].may_check_off is True
    assert items["ST-02"].may_check_off is False
    assert items["SV-19"].state == "not_applicable"


def test_the_start_page_and_the_episode_page_show_the_process(org, client):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    client.force_login(org.nurse)
    home = client.get("/").content.decode()
    assert "Att göra nu" in home and "Skicka inskrivningsmeddelande" in home
    page = client.get(f"/vardtillfallen/{episode.public_id}/").content.decode()
    assert 'id="activity-SV-05"' in page and "Bocka av" in page


def test_after_discharge_only_what_can_still_be_done_stays_on_the_list(org):
    from episodes import actions
    from process.worklist import BEFORE_DISCHARGE

    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(days=3))

    def phases():
        return {i.activity.phase for i in todo_for_user(org.needs_assessor) if i.episode == episode}

    assert phases() & set(BEFORE_DISCHARGE)
    actions.do_discharge(org.nurse, episode, "home")
    assert not phases() & set(BEFORE_DISCHARGE)
