"""The annual report of a group and of the whole area, and events with their participants.

The year: NOSAM Partille's plan with one activity done and one still going at the follow-up,
a decided assignment to the theme group reported back once, and a theme day held by NOSAM
Partille with 12 from Partille kommun's needs assessment and 3 from the region's ward.
"""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from core.errors import ActionError
from governance import actions
from governance.models import AnnualReport, ChangeRecord, Event, EventParticipation, PlanActivity


def _year() -> int:
    return timezone.localdate().year


@pytest.fixture
def year_of_work(org, groups):
    today = timezone.localdate()
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    leader, nosam, theme = groups["leader"], groups["nosam"], groups["theme"]
    plan = actions.do_create_plan(
        leader,
        nosam,
        actions.PlanInput(
            title="Handlingsplan NOSAM Partille",
            period_start=start,
            period_end=end,
            goal="Trygg utskrivning för alla",
            focus_areas=[
                actions.FocusAreaInput(
                    title="In- och utskrivningsprocessen",
                    sub_goals=[
                        actions.SubGoalInput(
                            text="Meddelanden i tid",
                            activities=[
                                actions.ActivityInput(
                                    text="Utbildning i rutinen för inskrivning",
                                    responsible_role="Processledare",
                                ),
                                actions.ActivityInput(
                                    text="Gemensam rutin för läkemedelslistan",
                                    responsible_role="MAS",
                                ),
                            ],
                            metrics=[actions.MetricInput(kind="live", indicator_key="admissions")],
                        )
                    ],
                )
            ],
        ),
    )
    done, going = PlanActivity.objects.filter(sub_goal__focus_area__plan=plan).order_by("id")
    actions.do_hold_follow_up(
        leader,
        plan,
        actions.FollowUpInput(
            held_on=today,
            covers_start=start,
            covers_end=today,
            statuses=[
                actions.StatusInput(done.pk, "done", "Alla enheter utbildade"),
                actions.StatusInput(going.pk, "ongoing"),
            ],
        ),
    )
    assignment = actions.do_create_assignment(
        org.admin,
        theme,
        actions.AssignmentInput(
            title="Uppdrag: ny utskrivningsprocess",
            report_questions=["Vad har gjorts?"],
            report_due_dates=[dt.date(today.year, 6, 30), dt.date(today.year, 12, 15)],
        ),
    )
    actions.do_decide_assignment(org.admin, assignment, start)
    actions.do_add_member(org.admin, theme, user=leader, role="process_leader")
    actions.do_report_back(
        leader, assignment, due_on=dt.date(today.year, 6, 30), answers=["Rutinen klar"]
    )
    actions.do_create_event(
        leader,
        nosam,
        actions.EventInput(
            title="Temadag om trygg hemgång",
            kind="theme_day",
            held_on=today - dt.timedelta(days=1),
            place="Partille kulturhus",
            participants=[
                actions.ParticipationInput(
                    org.needs_assessment.principal, org.needs_assessment, 14, 12
                ),
                actions.ParticipationInput(org.ward.principal, None, 3, 3),
            ],
        ),
    )
    return plan


def test_the_areas_report_shows_what_each_group_did(client, org, groups, year_of_work):
    client.force_login(groups["member"])
    html = client.get(f"/styrning/arsrapport/{_year()}/").content.decode()
    nosam = html[html.index('id="g-' + str(groups["nosam"].public_id)) :]
    nosam = nosam[: nosam.index("</section>")]
    done = nosam[nosam.index('class="done"') :]
    assert "Utbildning i rutinen för inskrivning – Alla enheter utbildade" in done[:300]
    not_done = nosam[nosam.index('class="not-done"') :]
    assert "Gemensam rutin för läkemedelslistan (pågår)" in not_done[:300]
    assert "Temadag om trygg hemgång" in nosam and "15 deltagare" in nosam
    assert "Antal inskrivningar" in nosam  # the plan's live metric
    theme = html[html.index('id="g-' + str(groups["theme"].public_id)) :]
    theme = theme[: theme.index("</section>")]
    assert f"{_year()}-06-30 återrapporterat" in theme
    assert f"{_year()}-12-15 inte återrapporterat" in theme
    assert "0 avvikelser rapporterade under året." in html
    matrix = html[html.index('class="table matrix"') :]
    assert "In- och utskrivningsprocessen" in matrix and "Utbildning i rutinen" in matrix
    assert "Gemensam rutin för läkemedelslistan" not in matrix  # not done


def test_a_groups_report_holds_the_group_and_those_reporting_to_it(
    client, org, groups, year_of_work
):
    client.force_login(groups["member"])
    html = client.get(
        f"/styrning/grupp/{groups['theme'].public_id}/arsrapport/{_year()}/"
    ).content.decode()
    assert "Temadag om trygg hemgång" in html  # NOSAM Partille reports to the theme group
    html = client.get(
        f"/styrning/grupp/{groups['nosam'].public_id}/arsrapport/{_year()}/"
    ).content.decode()
    assert "Uppdrag: ny utskrivningsprocess" not in html  # the theme group's, above it


def test_the_leader_writes_the_texts_publishes_and_the_pdf_is_kept(
    client, org, groups, year_of_work
):
    nosam = groups["nosam"]
    page = f"/styrning/grupp/{nosam.public_id}/arsrapport/{_year()}/"
    client.force_login(groups["member"])
    assert client.post(page, {"introduction": "X"}).status_code == 403
    client.force_login(groups["leader"])
    response = client.post(
        page,
        {
            "introduction": "Ett år av samverkan.",
            "challenges": "Representation på möten\n- Förankring i den egna verksamheten",
            f"text_{nosam.public_id}": "Gruppen har mötts sex gånger.",
        },
    )
    assert response.status_code == 302
    html = client.get(page).content.decode()
    assert "Gruppen har mötts sex gånger." in html
    challenges = html[html.index('class="challenges"') :]
    assert "<li>Förankring i den egna verksamheten</li>" in challenges[:300]

    assert client.post(page, {"publish": "1"}).status_code == 302
    report = AnnualReport.objects.get(group=nosam, year=_year())
    assert report.published_at is not None and report.published_by == groups["leader"]
    response = client.post(page, {"introduction": "Ändrad efteråt"})
    assert response.status_code == 400
    assert "Årsrapporten är publicerad och ändras inte längre." in response.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).introduction == "Ett år av samverkan."

    response = client.get(page + "arsrapport.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(report.published_pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert f"Året som gått {_year()}" in text
    assert "NOSAM Partille" in text and "Gruppen har mötts sex gånger." in text
    assert "Utbildning i rutinen för inskrivning" in text
    assert "Temadag om trygg hemgång" in text
    assert "Förankring i den egna verksamheten" in text
    assert "Utmaningar för diskussion" in text
    assert ChangeRecord.objects.filter(kind="annual_report_published").exists()


def test_the_event_page_records_attendance_by_organisation_and_unit(client, org, groups):
    client.force_login(groups["leader"])
    nosam = groups["nosam"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        f"/styrning/grupp/{nosam.public_id}/nytt-evenemang/",
        {
            "title": "Nätverksträff för processledare",
            "kind": "network_meeting",
            "held_on": yesterday.isoformat(),
            "place": "Stadshuset",
            "organisation_0": str(org.needs_assessment.principal.public_id),
            "unit_0": str(org.ward.public_id),
            "attended_0": "4",
        },
    )
    assert response.status_code == 400
    assert "Enheten Medicinavdelning 1, Sjukhuset Öst hör inte till" in response.content.decode()
    assert not Event.objects.exists()

    response = client.post(
        f"/styrning/grupp/{nosam.public_id}/nytt-evenemang/",
        {
            "title": "Nätverksträff för processledare",
            "kind": "network_meeting",
            "held_on": yesterday.isoformat(),
            "place": "Stadshuset",
            "organisation_0": str(org.needs_assessment.principal.public_id),
            "unit_0": str(org.needs_assessment.public_id),
            "registered_0": "5",
            "attended_0": "4",
        },
    )
    event = Event.objects.get()
    assert response["Location"] == f"/styrning/evenemang/{event.public_id}/"
    response = client.post(
        f"/styrning/evenemang/{event.public_id}/",
        {
            "organisation_0": str(org.needs_assessment.principal.public_id),
            "unit_0": str(org.needs_assessment.public_id),
            "registered_0": "5",
            "attended_0": "4",
            "organisation_1": str(org.ward.principal.public_id),
            "attended_1": "2",
        },
    )
    assert response.status_code == 302
    html = client.get(f"/styrning/evenemang/{event.public_id}/").content.decode()
    assert '<td class="attended-total">6</td>' in html
    assert "Biståndshandläggning Partille" in html
    group_page = client.get(f"/styrning/grupp/{nosam.public_id}/").content.decode()
    assert "Nätverksträff för processledare" in group_page


def test_attendance_is_not_recorded_before_the_event_nor_twice_for_one_unit(org, groups):
    leader, nosam = groups["leader"], groups["nosam"]
    partille = org.needs_assessment.principal
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ActionError) as error:
        actions.do_create_event(
            leader,
            nosam,
            actions.EventInput(
                title="Utbildningsdag",
                kind="education_day",
                held_on=tomorrow,
                participants=[actions.ParticipationInput(partille, None, 20, 18)],
            ),
        )
    assert error.value.code == "not_held_yet"
    event = actions.do_create_event(
        leader,
        nosam,
        actions.EventInput(
            title="Utbildningsdag",
            kind="education_day",
            held_on=tomorrow,
            participants=[actions.ParticipationInput(partille, None, 20, 0)],
        ),
    )
    with pytest.raises(ActionError) as error:
        actions.do_record_participants(
            leader,
            event,
            [
                actions.ParticipationInput(partille, None, 20, 0),
                actions.ParticipationInput(partille, None, 5, 0),
            ],
        )
    assert error.value.message == "Partille kommun står två gånger bland deltagarna."
    assert EventParticipation.objects.get(event=event).registered == 20
    with pytest.raises(ActionError):
        actions.do_create_event(
            groups["member"],
            nosam,
            actions.EventInput(title="X", kind="lecture", held_on=tomorrow),
        )
