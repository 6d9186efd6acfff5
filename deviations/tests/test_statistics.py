"""Statistics against hand-computed cases (module docstring of deviations.statistics).

Four deviations in January–March 2026 (Stockholm), one in December 2025, seen on
2026-04-01 12:00:

| | category | reported | ack due | acked | answer due | first answer | systemic |
|---|---|---|---|---|---|---|---|
| A | medication list | 01-10 | 01-12 | 01-11 (on time) | 02-06 | 01-20 (10 days, on time) | yes |
| B | medication list | 01-20 | 01-22 | 01-25 (late) | 02-17 | 03-01 (40 days, late) | no |
| C | admission notice | 02-05 | 02-09 | – (missed) | 03-05 | – (missed) | |
| D | admission notice | 03-30 | 04-01 23:59 | – (not yet due) | 04-27 | – (not yet due) | |
| E | other | 2025-12-31 | | | | (outside the period) | |

Totals: 4 deviations; 2 answered, days 10 and 40: mean 25, median 25; answered on time
1 of 3 due (A, B, C; D not yet due); acknowledged on time 1 of 3 (A of A, B, C); systemic 1 of 2.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from deviations import actions
from deviations.exports import learning_pdf, workbook
from deviations.models import Deviation
from deviations.statistics import Filters, Scope, build_report, dashboard_row, scope_for
from indicators.periods import Period
from organisations.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = dt.datetime(2026, 4, 1, 12, 0, tzinfo=STOCKHOLM)


def at(month, day, hour=10, year=2026):
    return dt.datetime(year, month, day, hour, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def cases(org, contacts, episode):
    def make(category, reported, ack_due, answer_due, acked=None, answered=None, systemic=None):
        deviation = actions.do_report(
            org.home_care_nurse,
            episode,
            receiving_unit=org.ward,
            category_key=category,
            event_date=timezone.localdate(),
            what_happened="Händelse.",
        ).deviation
        Deviation.objects.filter(pk=deviation.pk).update(
            reported_at=reported,
            acknowledge_due_at=ack_due,
            answer_due_at=answer_due,
            acknowledged_at=acked,
            first_answered_at=answered,
            answered_at=answered,
            systemic=systemic,
            cause=f"Orsak {category} {reported:%m-%d}" if answered else "",
            measures=f"Åtgärd {reported:%m-%d}" if answered else "",
            state="answered" if answered else "reported",
        )
        return deviation

    return {
        "A": make(
            "medication_list", at(1, 10), at(1, 12, 23), at(2, 6, 23), at(1, 11), at(1, 20), True
        ),
        "B": make(
            "medication_list", at(1, 20), at(1, 22, 23), at(2, 17, 23), at(1, 25), at(3, 1), False
        ),
        "C": make("admission_notice", at(2, 5), at(2, 9, 23), at(3, 5, 23)),
        "D": make("admission_notice", at(3, 30), at(4, 1, 23), at(4, 27, 23)),
        "E": make("other", at(12, 31, year=2025), at(1, 2, 23), at(1, 28, 23)),
    }


EVERYTHING = Scope(None, "alla")


def report(scope=EVERYTHING):
    filters = Filters.from_query(
        {"from": "2026-01", "to": "2026-03", "quarter": "2026-Q1"}, today=NOW.date()
    )
    return build_report(scope, filters, now=NOW)


def test_the_totals_are_the_hand_computed_ones(cases):
    total = report().total
    assert total.count == 4
    assert total.answered == 2
    assert (total.mean_days_to_answer, total.median_days_to_answer) == (25, 25)
    assert (total.on_time, total.on_time_due) == (1, 3)
    assert (total.acknowledged_on_time, total.acknowledge_due) == (1, 3)
    assert total.systemic_share == 0.5


def test_by_category_and_by_month(cases):
    result = report()
    by_category = {g.label: g.figures for g in dict(result.groupings)["Kategori"]}
    medication = by_category["Läkemedelslista saknas"]
    notice = by_category["Inskrivningsmeddelande saknas eller kom sent"]
    assert (medication.count, medication.on_time, medication.on_time_due) == (2, 1, 2)
    assert (notice.count, notice.answered, notice.on_time_due) == (2, 0, 1)
    assert [(month, f.count) for month, f in result.trend] == [
        ("2026-01", 2),
        ("2026-02", 1),
        ("2026-03", 1),
    ]
    by_area = dict(result.groupings)["Område"]
    assert [(g.label, g.figures.count) for g in by_area] == [("Partille", 4)]


def test_the_learning_summary_groups_causes_and_measures_by_category_systemic_first(cases):
    [group] = report().learning
    assert group.category == "Läkemedelslista saknas"
    assert [(i.cause, i.systemic) for i in group.items] == [
        ("Orsak medication_list 01-10", True),
        ("Orsak medication_list 01-20", False),
    ]


def test_a_manager_sees_their_units_deviations_and_others_none(org, cases):
    manager = make_user("hhcmanager", org.home_health_care, Role.MANAGER)
    assert report(scope_for(manager)).total.count == 4
    elsewhere = make_user("otherchef", org.unrelated_needs_assessment, Role.MANAGER)
    assert report(scope_for(elsewhere)).total.count == 0
    assert scope_for(org.home_care_nurse) is None


def test_the_dashboard_row_counts_the_period_and_its_comparisons(cases):
    q1 = Period.quarter(2026, 1)  # previous: Q4 2025 (E); last year: Q1 2025 (none)
    row = dashboard_row(q1, now=NOW)
    assert (row.current.count, row.previous.count, row.last_year.count) == (4, 1, 0)
    assert "2 besvarade" in row.note
    assert "33 % besvarade i tid" in row.note
    assert "50 % brister i systemet" in row.note


def test_the_export_holds_the_figures_and_the_learning_summary(cases):
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(workbook(report())))
    summary = list(book["Sammanfattning"].iter_rows(values_only=True))
    assert summary[1][1:3] == (4, 2)
    learning = list(book["Lärande 2026-Q1"].iter_rows(values_only=True))
    assert learning[1][0] == "Läkemedelslista saknas"
    assert learning[1][4] == "Ja"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing")
def test_the_pdf_holds_the_learning_summary(cases, tmp_path):
    data = learning_pdf(report())
    assert data.startswith(b"%PDF")
    path = tmp_path / "larande.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "lärande 2026-Q1" in text
    assert "Orsak medication_list 01-10" in text
    assert "Läkemedelslista saknas" in text
