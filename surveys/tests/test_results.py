"""Results per quarter against the baseline, with response rates; small groups suppressed.

The figures: in the baseline 6 answers in Partille (helhet 2,2,3,3,4,4: mean 3.0) of 8
invitations (75 %); in quarter 1, 5 answers in Partille (4,4,4,5,5: mean 4.4, +1.4) of 5
invitations (100 %), and 2 in Öckerö (suppressed, and Partille with it per area, so the
Öckerö figures cannot be worked out from the total).
"""

import datetime as dt

import pytest
from django.utils import timezone

from organisations.models import Area, Role, Unit, User
from surveys import results
from surveys.models import Answer, Invitation, Question, Response
from tests.factories import make_user


def answers(plan, period, area, values, invited=None):
    version = plan.questionnaire.current_version()
    question = Question.objects.get(version=version, key="helhet")
    for index in range(invited if invited is not None else len(values)):
        Invitation.objects.create(
            plan=plan,
            period=period,
            area=area,
            municipality=area.municipality,
            ward=Unit.objects.order_by("pk").first(),
            code_hash=f"{period}-{area.pk}-{index}",
            created_by=User.objects.order_by("pk").first(),
            expires_at=timezone.now() + dt.timedelta(days=30),
        )
    for value in values:
        response = Response.objects.create(
            plan=plan,
            period=period,
            area=area,
            municipality=area.municipality,
            version=version,
            respondent="individual",
            submitted_at=timezone.now(),
        )
        Answer.objects.create(response=response, question=question, value=value)


@pytest.fixture
def figures(org, plan):
    partille, ockero = org.partille_area, Area.objects.get(name="Öckerö")
    answers(plan, 0, partille, [2, 2, 3, 3, 4, 4], invited=8)
    answers(plan, 1, partille, [4, 4, 4, 5, 5])
    answers(plan, 1, ockero, [1, 2])
    return plan


def test_the_quarter_is_compared_with_the_baseline_with_its_response_rate(figures):
    report = results.report(figures, "total")
    baseline, quarter = report.total(0), report.total(1)
    assert (baseline.responses, baseline.invitations, baseline.means["helhet"]) == (6, 8, 3.0)
    assert baseline.response_rate == 0.75
    assert quarter.responses == 7 and quarter.means["helhet"] == pytest.approx(25 / 7)
    assert quarter.changes["helhet"] == pytest.approx(25 / 7 - 3.0)


def test_a_group_below_the_threshold_is_suppressed_and_so_is_its_complement(figures):
    rows = {(r.period, r.group): r for r in results.report(figures, "area").rows}
    assert rows[(1, "Öckerö")].suppressed and rows[(1, "Öckerö")].means == {}
    assert rows[(1, "Partille")].suppressed  # else total minus Partille gives Öckerö
    assert not rows[(0, "Partille")].suppressed


def test_with_a_lower_threshold_the_groups_are_shown(figures, settings):
    settings.SAMSYN_SURVEY_MIN_GROUP = 2
    rows = {(r.period, r.group): r for r in results.report(figures, "area").rows}
    assert rows[(1, "Partille")].means["helhet"] == pytest.approx(4.4)
    assert rows[(1, "Partille")].changes["helhet"] == pytest.approx(1.4)
    assert rows[(1, "Öckerö")].responses == 2


def test_the_results_page_says_groups_are_hidden_and_has_a_chart_and_a_table(figures, org, client):
    leader = make_user("leader", org.ward, Role.PROCESS_LEADER)
    client.force_login(leader)
    page = client.get("/enkat/resultat/?per=area").content.decode()
    assert "Grupper med färre än 5 svar visas inte" in page
    assert "Några grupper i urvalet är dolda" in page
    assert page.count("Färre än 5 svar – visas inte") == 2
    assert '<svg id="chart-0"' in page and 'id="results-table"' in page


def test_the_csv_export_has_the_same_figures_and_the_suppression(figures, org, client):
    client.force_login(org.manager)
    text = client.get("/enkat/resultat/export.csv?per=area").content.decode("utf-8-sig")
    lines = text.splitlines()
    # helhet, trygg (no answers), then each against the baseline (none for the baseline)
    assert lines[1] == "Baslinje;Partille;8;6;75 %;3,0;–;–;–"
    assert "Kvartal 1;Öckerö;färre än 5 svar – visas inte" in lines


def test_care_staff_do_not_see_the_results(figures, org, client):
    client.force_login(org.nurse)
    assert client.get("/enkat/resultat/").status_code == 403


def test_results_can_be_split_by_lane_pattern_and_age_band_with_readable_names(figures, settings):
    settings.SAMSYN_SURVEY_MIN_GROUP = 1
    Response.objects.filter(period=0).update(
        lane_pattern="inpatient+social_services", age_band="85-"
    )
    lanes = {r.group for r in results.report(figures, "lane_pattern").rows if r.period == 0}
    assert lanes == {"Slutenvård + Socialtjänst", "Okänt"}  # the invitations carry no pattern
    bands = {r.group for r in results.report(figures, "age_band").rows if r.period == 0}
    assert "85 år eller äldre" in bands
