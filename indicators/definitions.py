"""The indicators of PROCESS.md ("Indicators"), each with its Swedish name and definition.

The definition text is what users see beside every figure, in pages and export files, so it
states exactly what `indicators.queries` counts.
"""

from __future__ import annotations

from dataclasses import dataclass

# The counting parameters (24 hours, 3 days, 30 days) are dated regional configuration
# (`core.configuration.regional_count`): the deadlines come from the work description and are
# kept on the episode (`Episode.admission_notice_due_at`, `sip_invitation_due_at`), and the
# readmission window is applied when an admission is linked to the previous discharge
# (`episodes.actions.readmission_gap`).


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    definition: str
    measure: str  # share | mean_days | mean_hours | mean | count
    family: str  # admission | acknowledgement | discharge
    numerator_label: str = ""
    denominator_label: str = ""
    # True when a higher value is better (for the text beside a trend).
    higher_is_better: bool | None = None


INDICATORS: list[Indicator] = [
    Indicator(
        "admission_notice_on_time",
        "Inskrivningsmeddelande i tid",
        "Andel vårdtillfällen där det första inskrivningsmeddelandet skickades inom 24 timmar "
        "från läkarens bedömning att patienten kan behöva insatser efter utskrivning (vid "
        "inskrivningen eller senare). Räknas i inskrivningsmånaden. Bara vårdtillfällen med en "
        "sådan bedömning ingår.",
        "share",
        "admission",
        "skickade inom 24 timmar",
        "vårdtillfällen med behov av meddelande",
        True,
    ),
    Indicator(
        "acknowledgement_hours",
        "Tid till kvittens",
        "Medeltid i timmar från att inskrivningsmeddelandet skickades till att den berörda "
        "enheten kvitterade det, per mottagande enhet. Räknas i inskrivningsmånaden. Felsända "
        "meddelanden räknas hos den enhet de skickades vidare till. Okvitterade meddelanden "
        "redovisas för sig.",
        "mean_hours",
        "acknowledgement",
        "timmar totalt",
        "kvitterade meddelanden",
        False,
    ),
    Indicator(
        "planned_date_moves",
        "Flyttade planerade utskrivningsdatum",
        "Genomsnittligt antal gånger per utskrivet vårdtillfälle som det beräknade/planerade "
        "utskrivningsdatumet ändrades efter att det först satts. Att flytta tillbaka räknas också; "
        "att sätta samma datum igen räknas inte. Räknas i utskrivningsmånaden.",
        "mean",
        "discharge",
        "flyttningar",
        "utskrivna vårdtillfällen",
        False,
    ),
    Indicator(
        "ready_days_vgr",
        "Utskrivningsklara dagar (VGR)",
        "Medelantal kalenderdagar från meddelande om utskrivningsklar till utskrivning, över alla "
        "utskrivna med ett gällande meddelande. Utskrivning samma dag räknas som 0 dagar. Ett "
        "återtaget meddelande räknas inte; klockan börjar om vid nästa meddelande. Räknas i "
        "utskrivningsmånaden.",
        "mean_days",
        "discharge",
        "utskrivningsklara dagar",
        "utskrivna med meddelande",
        False,
    ),
    Indicator(
        "ready_days_skr",
        "Utskrivningsklara dagar (nationellt, SKR)",
        "Medelantal utskrivningsklara dagar bland de vårdtillfällen som hade minst en "
        "utskrivningsklar dag (de som skrevs ut samma dag ingår inte). Räknas i "
        "utskrivningsmånaden.",
        "mean_days",
        "discharge",
        "utskrivningsklara dagar",
        "utskrivna med minst 1 dag",
        False,
    ),
    Indicator(
        "same_day_discharge",
        "Utskrivna samma dag",
        "Andel av de utskrivna med ett gällande meddelande om utskrivningsklar som skrevs ut "
        "samma kalenderdag som meddelandet skickades. Räknas i utskrivningsmånaden.",
        "share",
        "discharge",
        "utskrivna samma dag",
        "utskrivna med meddelande",
        True,
    ),
    Indicator(
        "sip_offered",
        "SIP erbjuden",
        "Andel av de utskrivna vårdtillfällena där SIP bedömts behövas (insatser från både region "
        "och kommun, senaste bedömningen) där den enskilde erbjudits SIP. Räknas i "
        "utskrivningsmånaden.",
        "share",
        "discharge",
        "erbjudna SIP",
        "vårdtillfällen med behov av SIP",
        True,
    ),
    Indicator(
        "sip_on_time",
        "Kallelse till SIP i tid",
        "Andel av de utskrivna vårdtillfällena med behov av SIP och ett gällande meddelande om "
        "utskrivningsklar där kallelse till SIP skickades senast tre kalenderdagar efter "
        "meddelandet (dag 0 är meddelandets datum). Räknas i utskrivningsmånaden.",
        "share",
        "discharge",
        "kallade i tid",
        "behov av SIP och utskrivningsklar",
        True,
    ),
    Indicator(
        "readmission_30",
        "Återinskrivning inom 30 dagar",
        "Andel utskrivningar som följdes av en ny inskrivning av samma person 1–30 dagar efter "
        "utskrivningsdagen (dag 30 räknas, dag 31 inte; samma dag räknas som överflyttning). "
        "Räknas i utskrivningsmånaden.",
        "share",
        "discharge",
        "återinskrivna",
        "utskrivningar",
        False,
    ),
    Indicator(
        "admissions",
        "Antal inskrivningar",
        "Antal vårdtillfällen med inskrivning under perioden.",
        "count",
        "admission",
    ),
    Indicator(
        "discharges",
        "Antal utskrivningar",
        "Antal vårdtillfällen som avslutades med utskrivning under perioden (inte avbrutna, "
        "till exempel avlidna).",
        "count",
        "discharge",
    ),
]

BY_KEY = {indicator.key: indicator for indicator in INDICATORS}

DEVIATIONS_NOTE = (
    "Avvikelser i samverkan rapporterade under perioden (deviations.statistics.dashboard_row): "
    "antal; besvarade, andel besvarade i tid och andel brister i systemet."
)


def format_value(measure: str, value: float | None) -> str:
    """A figure as a Swedish reader expects it: decimal comma, "%" after a space."""
    if value is None:
        return "–"
    if measure == "share":
        return f"{value * 100:.0f} %".replace(".", ",")
    if measure == "count":
        return f"{int(value):,}".replace(",", "\u00a0")
    if measure == "mean_days":
        return f"{value:.1f} dagar".replace(".", ",")
    if measure == "mean_hours":
        return f"{value:.1f} timmar".replace(".", ",")
    return f"{value:.2f}".replace(".", ",")
