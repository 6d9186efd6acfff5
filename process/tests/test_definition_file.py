import datetime as dt
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from organisations.models import Lane
from process.definition import CURRENT_DEFINITION, DefinitionError, parse_definition
from process.models import Phase

VALID = """\
schema: 1
name: Test
valid_from: 2025-01-01
effect_goals:
  - id: clarity
    title: Tydlighet
references:
  - id: lag
    title: Lag (2017:612)
    url: https://lagar.nj.se/socialratt/SFS2017-0612
activities:
  - id: A-1
    title: Skicka inskrivningsmeddelande
    lane: inpatient
    phase: admission
    performer: {roles: [nurse]}
    goal: Mål.
    purpose: Syfte.
    due: {anchor: help_need_assessed, amount: 24, unit: hours}
    deadline: legal
    completed_by: {event: admission_notice_sent}
    effect_goals: [clarity]
    references: [lag]
  - id: A-2
    title: Kontrollera enheter
    lane: inpatient
    phase: admission
    performer: {roles: [nurse]}
    goal: Mål.
    purpose: Syfte.
    due: {before: A-1}
    deadline: guidance
    completed_by: manual
    effect_goals: [clarity]
"""


def refusal(text: str) -> DefinitionError:
    with pytest.raises(DefinitionError) as error:
        parse_definition(text)
    return error.value


def test_the_work_description_has_at_least_60_activities_in_every_lane_and_phase():
    parsed = parse_definition(CURRENT_DEFINITION.read_text(encoding="utf-8"))
    assert len(parsed.activities) >= 60
    assert set(Counter(a["lane"] for a in parsed.activities)) == set(Lane.values)
    assert set(Counter(a["phase"] for a in parsed.activities)) == set(Phase.values)


def test_the_legal_deadlines_are_the_ones_of_the_law():
    parsed = {
        a["key"]: a
        for a in parse_definition(CURRENT_DEFINITION.read_text(encoding="utf-8")).activities
    }
    legal = {key: a["timing"] for key, a in parsed.items() if a["deadline_kind"] == "legal"}
    assert legal == {
        "SV-04": {
            "anchor": "help_need_assessed",
            "count": "admission_notice_hours",
            "unit": "hours",
        },
        "SV-15": {"anchor": "discharge", "amount": 0, "unit": "calendar_days"},
        "SV-16": {"anchor": "discharge", "amount": 0, "unit": "calendar_days"},
        "RP-03": {"before": "discharge"},
        "RP-07": {
            "anchor": "ready_notice",
            "count": "sip_invitation_days",
            "unit": "calendar_days",
        },
    }


@pytest.mark.django_db
def test_the_regional_counts_of_the_legal_deadlines_are_the_law_s_today():
    from core.configuration import regional_count

    today = dt.date(2026, 12, 1)
    assert regional_count("admission_notice_hours", today) == 24
    assert regional_count("sip_invitation_days", today) == 3


def test_a_timing_rule_naming_an_unknown_regional_count_is_refused():
    error = refusal(VALID.replace("amount: 24, unit: hours", "count: lunch_hours, unit: hours", 1))
    assert "okänt regionalt antal 'lunch_hours'" in error.reason


def test_a_valid_file_is_accepted():
    assert [a["key"] for a in parse_definition(VALID).activities] == ["A-1", "A-2"]


def test_an_unknown_lane_is_refused_with_its_line():
    error = refusal(VALID.replace("lane: inpatient", "lane: hospital", 1))
    assert error.line == 14 and "okänd simbana 'hospital'" in error.reason


def test_a_timing_rule_on_an_unknown_event_is_refused():
    error = refusal(VALID.replace("anchor: help_need_assessed", "anchor: lunch"))
    assert error.line == 19 and "okänd händelse 'lunch'" in error.reason


def test_a_cycle_in_before_rules_is_refused():
    text = VALID.replace(
        "due: {anchor: help_need_assessed, amount: 24, unit: hours}", "due: {before: A-2}"
    )
    error = refusal(text)
    assert "cirkel" in error.reason and "A-1 → A-2 → A-1" in error.reason


def test_a_duplicate_id_is_refused():
    error = refusal(VALID.replace("id: A-2", "id: A-1"))
    assert error.line == 24 and "id 'A-1' finns redan (rad 12)" in error.reason


def test_a_missing_swedish_title_is_refused():
    error = refusal(VALID.replace("    title: Kontrollera enheter\n", "    title: ''\n"))
    assert "'title' saknas" in error.reason and error.line == 24


def test_a_key_given_twice_in_one_activity_is_refused():
    error = refusal(
        VALID.replace(
            "    lane: inpatient\n", "    lane: inpatient\n    lane: social_services\n", 1
        )
    )
    assert error.line == 15 and "'lane' finns två gånger" in error.reason


def test_broken_yaml_is_refused_with_its_line():
    error = refusal(VALID.replace("performer: {roles: [nurse]}", "performer: {roles: [nurse}", 1))
    assert error.line == 16


def test_an_unknown_completing_event_and_role_are_refused():
    assert (
        "okänd händelse 'sent'"
        in refusal(VALID.replace("event: admission_notice_sent", "event: sent")).reason
    )
    assert (
        "okänd roll 'janitor'"
        in refusal(VALID.replace("roles: [nurse]", "roles: [janitor]", 1)).reason
    )


def test_the_load_command_refuses_a_malformed_file_and_loads_nothing(db, tmp_path):
    from process.models import DefinitionVersion

    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("lane: inpatient", "lane: hospital", 1), encoding="utf-8")
    before = DefinitionVersion.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("load_process_definition", str(bad))
    assert "rad 14" in str(error.value)
    assert DefinitionVersion.objects.count() == before
