import datetime as dt

import pytest
from django.utils import timezone

from surveys import actions

DEFINITION = {
    "title": "Din utskrivning från sjukhuset",
    "introduction": "Vi vill veta hur du upplevde tiden när du skrevs ut.",
    "questions": [
        {
            "key": "helhet",
            "text": "Kändes vården som en helhet?",
            "kind": "scale",
            "scale_min": 1,
            "scale_max": 5,
            "min_label": "Inte alls",
            "max_label": "Helt och hållet",
            "required": True,
        },
        {
            "key": "trygg",
            "text": "Kände du dig trygg när du kom hem?",
            "kind": "scale",
            "scale_min": 1,
            "scale_max": 5,
            "min_label": "Inte alls",
            "max_label": "Helt och hållet",
        },
        {"key": "ovrigt", "text": "Vill du berätta något mer?", "kind": "text"},
    ],
}


@pytest.fixture
def plan(db):
    """A plan whose baseline is the 90 days up to today: an invitation today is baseline."""
    version = actions.save_questionnaire(None, "utskrivning", DEFINITION)
    today = timezone.localdate()
    return actions.create_plan(
        None,
        name="Utvärdering 2026–2028",
        questionnaire=version.questionnaire,
        baseline_start=today - dt.timedelta(days=89),
        baseline_end=today,
    )
