"""Reporting a deviation from an episode: what is prefilled, what is refused, the warning
about names and identity numbers, and where it goes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ActionError
from deviations import actions
from deviations.models import Deviation, DeviationEvent, DeviationState

pytestmark = pytest.mark.django_db


def report(org, episode, **changes):
    fields = dict(
        receiving_unit=org.ward,
        category_key="medication_list",
        event_date=timezone.localdate(),
        what_happened="Patienten kom hem utan läkemedelslista.",
        consequence="Hemsjukvården fick ringa avdelningen.",
    )
    fields.update(changes)
    return actions.do_report(org.home_care_nurse, episode, **fields)


def test_a_report_goes_to_the_receiving_units_contact_with_an_email_without_patient_data(
    org, contacts, episode, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = report(org, episode)
    deviation = result.deviation
    assert deviation.state == DeviationState.REPORTED
    assert deviation.reporting_unit == org.home_health_care
    assert deviation.receiving_principal == org.ward.principal
    assert deviation.handling_unit == org.ward
    assert deviation.area == org.partille_area
    assert result.warnings == []
    [mail] = smtp_server.messages
    assert mail["To"] == "avvikelse.ward@example.org"
    body = smtp_server.bodies()[0]
    assert f"/avvikelser/{deviation.public_id}/" in body
    assert "Sven" not in body and "Testsson" not in body and "19410708" not in body
    assert list(
        DeviationEvent.objects.filter(deviation=deviation).values_list("kind", flat=True)
    ) == ["reported"]


def test_the_acknowledge_and_answer_deadlines_are_working_days_from_the_report(
    org, contacts, episode
):
    deviation = report(org, episode).deviation
    # Samsyn's proposal: 2 and 20 working days; never sooner than that many calendar days.
    assert (deviation.acknowledge_due_at - deviation.reported_at) >= dt.timedelta(days=2)
    assert (deviation.answer_due_at - deviation.reported_at) >= dt.timedelta(days=20)


def test_a_text_with_an_identity_number_or_the_name_is_sent_with_a_warning(org, episode):
    result = report(
        org,
        episode,
        what_happened="Sven Testsson 19410708-9981 fick fel läkemedel.",
    )
    assert len(result.warnings) == 2
    assert all("Skriv vad som hände, inte vem" in w for w in result.warnings)
    assert result.deviation.personal_data_warned


def test_a_number_that_is_not_an_identity_number_gives_no_warning(org, episode):
    result = report(org, episode, what_happened="Ringde 0317891234 två gånger, ingen svarade.")
    assert result.warnings == []


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"receiving_unit": None}, "required", "receiving_unit"),
        ({"category_key": ""}, "required", "category"),
        ({"category_key": "no_such"}, "invalid_category", "category"),
        ({"event_date": None}, "required", "event_date"),
        ({"what_happened": "  "}, "required", "what_happened"),
        ({"what_happened": "x" * 4001}, "too_long", "what_happened"),
        ({"consequence": "x" * 2001}, "too_long", "consequence"),
    ],
)
def test_bad_input_is_refused_with_a_field_and_nothing_is_written(
    org, episode, changes, code, field
):
    with pytest.raises(ActionError) as refused:
        report(org, episode, **changes)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not Deviation.objects.exists()


def test_an_event_date_in_the_future_or_before_the_admission_is_refused(org, episode):
    with pytest.raises(ActionError) as future:
        report(org, episode, event_date=timezone.localdate() + dt.timedelta(days=1))
    assert future.value.code == "future_date"
    with pytest.raises(ActionError) as before:
        report(org, episode, event_date=timezone.localdate() - dt.timedelta(days=10))
    assert before.value.code == "before_episode"
    assert not Deviation.objects.exists()


def test_a_report_about_ones_own_unit_says_where_internal_deviations_go(org, episode):
    with pytest.raises(ActionError) as refused:
        report(org, episode, receiving_unit=org.home_health_care)
    assert refused.value.code == "own_unit"
    assert "egen avvikelsehantering" in refused.value.message


def test_a_user_whose_unit_takes_no_part_in_the_episode_cannot_report(org, episode):
    with pytest.raises(ActionError) as refused:
        actions.do_report(
            org.outsider,
            episode,
            receiving_unit=org.ward,
            category_key="other",
            event_date=timezone.localdate(),
            what_happened="Något hände.",
        )
    assert refused.value.code == "not_a_party"


def test_the_ward_is_proposed_first_as_the_receiving_party(org, episode):
    [unit] = actions.reporting_units(org.home_care_nurse, episode)
    proposed = actions.proposed_receiving_units(episode, unit)
    assert proposed[0] == org.ward
    assert org.home_health_care not in proposed
