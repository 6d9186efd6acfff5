"""The deviation categories and deadlines as dated configuration, loaded by `load_configuration`
(and so by `migrate`).

The categories follow the regional routine's field list (RESEARCH-NOTES.md §2.2). The deadlines
for acknowledging and answering are **Samsyn's proposal** (`is_proposal`): the regional
routine's figures are not confirmed; an administrator replaces them with a dated row.
A default row is created only when no row of its key exists, so an edited row is left alone.
"""

from __future__ import annotations

import datetime as dt

from core.configuration import register_loader
from deviations.models import DeadlineKey, DeviationCategory, DeviationDeadline

SINCE = dt.date(2021, 4, 1)  # reported in one regional system since then (MedControl PRO)
ROUTINE = "Länsgemensam rutin för avvikelser i samverkan (VVG 2020-02-10), Samsyns tolkning"

# key, label
CATEGORIES = [
    ("admission_notice", "Inskrivningsmeddelande saknas eller kom sent"),
    ("planning_not_started", "Planeringen påbörjades inte"),
    ("ready_not_ready", "Utskrivningsklar meddelad fast den enskilde inte var klar"),
    ("ready_revoked_late", "Utskrivningsklar återkallad sent"),
    ("care_contact_missing", "Fast vårdkontakt utsågs inte"),
    ("sip_late", "SIP erbjöds inte eller kallelsen kom sent"),
    ("information_transfer", "Informationsöverföring saknas eller är felaktig"),
    ("medication_list", "Läkemedelslista saknas"),
    ("aids_missing", "Hjälpmedel saknas"),
    ("unagreed_discharge_time", "Utskrivning vid en tid som inte var överenskommen"),
    ("other", "Annat"),
]

# Samsyn's proposal until the regional routine's figures are confirmed.
DEADLINES = [
    (DeadlineKey.ACKNOWLEDGE, 2),
    (DeadlineKey.ANSWER, 20),
]

# The work description's activities whose missed deadline proposes a category for the draft.
CATEGORY_OF_RULE = {
    "SV-04": "admission_notice",
    "SV-15": "information_transfer",
    "SV-16": "information_transfer",
    "RP-03": "care_contact_missing",
    "RP-07": "sip_late",
}


def load_deviation_configuration() -> str:
    """Create the default categories and deadlines whose key has no row yet."""
    created_categories = 0
    existing = set(DeviationCategory.objects.values_list("key", flat=True))
    for order, (key, label) in enumerate(CATEGORIES):
        if key not in existing:
            DeviationCategory.objects.create(
                key=key, label=label, order=order, valid_from=SINCE, source=ROUTINE
            )
            created_categories += 1
    created_deadlines = 0
    existing = set(DeviationDeadline.objects.values_list("key", flat=True))
    for key, days in DEADLINES:
        if key not in existing:
            DeviationDeadline.objects.create(
                key=key,
                working_days=days,
                valid_from=SINCE,
                is_proposal=True,
                source="Samsyns förslag tills den regionala rutinens tider är bekräftade",
            )
            created_deadlines += 1
    return f"{created_categories} avvikelsekategorier och {created_deadlines} tidsfrister skapade"


register_loader("deviations.configuration", load_deviation_configuration)
