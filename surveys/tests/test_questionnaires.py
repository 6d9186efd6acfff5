"""Questionnaires are versioned data; a measurement plan is a baseline and eight quarters."""

import datetime as dt

import pytest

from core.errors import ActionError
from surveys import actions
from surveys.models import BASELINE, MeasurementPlan, QuestionnaireVersion, Response
from surveys.tests.conftest import DEFINITION


def changed(**fields):
    return {**DEFINITION, **fields}


def test_a_change_before_any_answer_edits_the_version_in_place(db):
    first = actions.save_questionnaire(None, "utskrivning", DEFINITION)
    again = actions.save_questionnaire(None, "utskrivning", changed(title="Hur gick det?"))
    assert again.pk == first.pk and again.number == 1
    assert again.title == "Hur gick det?"
    assert [q.key for q in again.questions.all()] == ["helhet", "trygg", "ovrigt"]


def test_a_change_while_answers_exist_makes_a_new_version_and_the_old_answers_keep_theirs(plan):
    first = plan.questionnaire.current_version()
    Response.objects.create(plan=plan, period=BASELINE, version=first)
    fewer = changed(questions=DEFINITION["questions"][:1])
    second = actions.save_questionnaire(None, "utskrivning", fewer)
    assert second.number == 2 and second.pk != first.pk
    assert Response.objects.get().version == first
    assert first.questions.count() == 3 and second.questions.count() == 1
    assert plan.questionnaire.current_version() == second


def test_an_easy_read_variant_is_marked(db):
    version = actions.save_questionnaire(None, "lattlast", changed(easy_read=True))
    assert version.easy_read


@pytest.mark.parametrize(
    "definition, field",
    [
        (changed(title=""), "title"),
        (changed(questions=[]), "questions"),
        (
            changed(
                questions=[
                    {"key": "a", "text": "Fråga", "kind": "scale", "scale_min": 5, "scale_max": 1}
                ]
            ),
            "questions.1",
        ),
        (
            changed(
                questions=[
                    {"key": "a", "text": "A", "kind": "text"},
                    {"key": "a", "text": "B", "kind": "text"},
                ]
            ),
            "questions.2",
        ),
        (changed(questions=[{"key": "a", "text": "A", "kind": "ja/nej"}]), "questions.1"),
    ],
)
def test_a_malformed_questionnaire_is_refused_and_nothing_is_saved(db, definition, field):
    with pytest.raises(ActionError) as refused:
        actions.save_questionnaire(None, "trasig", definition)
    assert refused.value.field == field
    assert not QuestionnaireVersion.objects.exists()


def test_only_process_leaders_and_administrators_define_questionnaires(org):
    with pytest.raises(ActionError) as refused:
        actions.save_questionnaire(org.nurse, "utskrivning", DEFINITION)
    assert refused.value.code == "forbidden"
    assert actions.save_questionnaire(org.admin, "utskrivning", DEFINITION).number == 1


def test_the_plan_has_a_baseline_then_eight_quarters_of_three_months(db):
    version = actions.save_questionnaire(None, "utskrivning", DEFINITION)
    plan = actions.create_plan(
        None,
        name="Plan",
        questionnaire=version.questionnaire,
        baseline_start=dt.date(2026, 10, 1),
        baseline_end=dt.date(2026, 12, 31),
    )
    assert plan.period_of(dt.date(2026, 10, 1)) == BASELINE
    assert plan.period_of(dt.date(2027, 1, 1)) == 1
    assert plan.period_of(dt.date(2027, 3, 31)) == 1
    assert plan.period_of(dt.date(2027, 4, 1)) == 2
    assert plan.period_of(dt.date(2028, 12, 31)) == 8
    assert plan.period_of(dt.date(2029, 1, 1)) is None
    assert plan.period_of(dt.date(2026, 9, 30)) is None
    assert plan.end() == dt.date(2028, 12, 31)


def test_plans_may_not_overlap(plan):
    with pytest.raises(ActionError) as refused:
        actions.create_plan(
            None,
            name="Till",
            questionnaire=plan.questionnaire,
            baseline_start=plan.baseline_end,
            baseline_end=plan.baseline_end + dt.timedelta(days=30),
        )
    assert refused.value.code == "overlap"
    assert MeasurementPlan.objects.count() == 1


@pytest.mark.parametrize(
    "key, definition, field",
    [
        ("Stor Bokstav", DEFINITION, "key"),
        ("k" * 61, DEFINITION, "key"),
        ("ok", changed(title="R" * 201), "title"),
        ("ok", changed(questions=[{"key": "a", "text": "T" * 501, "kind": "text"}]), "questions.1"),
        ("ok", changed(questions=[{"key": "A b", "text": "T", "kind": "text"}]), "questions.1"),
    ],
)
def test_a_key_or_text_that_does_not_fit_is_refused_with_its_field(db, key, definition, field):
    with pytest.raises(ActionError) as refused:
        actions.save_questionnaire(None, key, definition)
    assert refused.value.field == field


def test_quarters_after_a_baseline_ending_on_the_30th_start_on_the_31st_or_the_months_last(db):
    version = actions.save_questionnaire(None, "utskrivning", DEFINITION)
    plan = actions.create_plan(
        None,
        name="Plan",
        questionnaire=version.questionnaire,
        baseline_start=dt.date(2026, 11, 1),
        baseline_end=dt.date(2027, 1, 30),
    )
    assert plan.quarter_start(1) == dt.date(2027, 1, 31)
    assert plan.quarter_start(2) == dt.date(2027, 4, 30)
    assert plan.period_of(dt.date(2027, 1, 30)) == BASELINE
    assert plan.period_of(dt.date(2027, 1, 31)) == 1
    assert plan.period_of(dt.date(2027, 4, 29)) == 1
    assert plan.period_of(dt.date(2027, 4, 30)) == 2
