"""Systematic log review: a sample drawn by a rule, a conclusion on each row, the review closed
and shown in the report."""

import datetime as dt

import pytest

from audit.models import AccessLog, Conclusion, LogReview, SampleKind
from audit.review import (
    MANY_INDIVIDUALS_PER_HOUR,
    complete_review,
    conclude,
    start_review,
    systematic_sample,
)
from core.errors import ActionError
from core.timerules import STOCKHOLM
from individuals.models import Individual
from tests.factories import TEST_IDENTIFIERS, admit, make_individual

DAY = dt.date(2026, 11, 24)  # a Tuesday


def _read(user, hour, individual=None, minute=0, day=DAY):
    return AccessLog.objects.create(
        user=user,
        action="episode.view",
        individual=individual,
        at=dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STOCKHOLM),
    )


def test_every_kth_row_is_sampled_from_the_start_given():
    # 10 rows, 4 wanted: k = ceil(10/4) = 3; from 1: rows 1, 4, 7 (index 10 is past the end).
    assert systematic_sample(list(range(10)), 4, start=1) == [1, 4, 7]
    assert systematic_sample(list(range(3)), 25) == [0, 1, 2]


def test_reads_outside_working_hours_are_sampled_at_night_and_on_a_sunday(org):
    person = admit(org).individual
    night = _read(org.nurse, 6, person, minute=59)
    _read(org.nurse, 7, person)  # working hours
    evening = _read(org.nurse, 18, person)
    sunday = _read(org.nurse, 10, person, day=dt.date(2026, 11, 29))
    review = start_review(org.admin, SampleKind.OUTSIDE_HOURS, DAY, dt.date(2026, 11, 29))
    assert list(review.items.values_list("entry_id", flat=True)) == [
        night.pk,
        evening.pk,
        sunday.pk,
    ]
    assert review.population == 3


def test_reads_without_an_active_care_role_draw_the_administrator_not_the_nurse(org):
    person = admit(org).individual
    _read(org.nurse, 10, person)
    admins = _read(org.admin, 10, person)
    review = start_review(org.admin, SampleKind.WITHOUT_ROLE, DAY, DAY)
    assert list(review.items.values_list("entry_id", flat=True)) == [admins.pk]


def test_protected_identities_and_many_individuals_in_an_hour(org):
    protected = make_individual(org, TEST_IDENTIFIERS[1], protected_identity=True)
    _read(org.nurse, 9, protected)
    _read(org.nurse, 9, make_individual(org, TEST_IDENTIFIERS[2]))
    review = start_review(org.admin, SampleKind.PROTECTED, DAY, DAY)
    assert [i.entry.individual for i in review.items.all()] == [protected]
    many = start_review(org.admin, SampleKind.MANY_INDIVIDUALS, DAY, DAY)
    assert many.population == 0  # two individuals in the hour, the threshold is 20
    assert MANY_INDIVIDUALS_PER_HOUR == 20


def test_a_review_is_closed_only_when_every_row_has_a_conclusion_and_then_reported(org, client):
    person = admit(org).individual
    _read(org.nurse, 22, person)
    _read(org.nurse, 23, person)
    review = start_review(org.admin, SampleKind.USER, DAY, DAY, subject_user=org.nurse)
    first, second = review.items.all()
    conclude(org.admin, first, Conclusion.JUSTIFIED)
    with pytest.raises(ActionError, match="behöver en slutsats"):
        complete_review(org.admin, review, "Kvällsläsningar")
    with pytest.raises(ActionError, match="Skriv varför"):
        conclude(org.admin, second, Conclusion.FOLLOW_UP)
    conclude(org.admin, second, Conclusion.FOLLOW_UP, "Fråga chefen")
    complete_review(org.admin, review, "Kvällsläsningar, en följs upp")
    client.force_login(org.admin)
    page = client.get(f"/logg/granskning/{review.public_id}/").content.decode()
    assert "Fråga chefen" in page and "Sven Testsson" in page
    assert AccessLog.objects.filter(user=org.admin, action="auditlog.review").count() == 1
    report = client.get("/logg/granskning/rapport/", {"fran": "2026-11-01", "till": "2026-12-31"})
    assert "Kvällsläsningar, en följs upp" in report.content.decode()


def test_a_care_worker_cannot_start_a_review(org, client):
    with pytest.raises(ActionError):
        start_review(org.nurse, SampleKind.PROTECTED, DAY, DAY)
    client.force_login(org.nurse)
    assert client.get("/logg/granskning/").status_code == 403
    assert not LogReview.objects.exists()
    assert Individual.objects.count() == 0
