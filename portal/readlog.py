""" "Vem har läst mina uppgifter": the access log about one individual, as they may ask for it
(patientdatalagen 8 kap. 1 §).

Two sources, merged newest first: the staff reads of `audit.AccessLog` (granted ones: when,
which unit of which organisation, the reader's role there, what kind of data) and the reads
in Min planering by the individual's representatives (`portal.CitizenRead`). Staff are named
by unit and role, not by name, as the regions' 1177 log view does (docs/portal.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from audit.models import AccessLog
from core.models import choice_label
from individuals.models import Individual
from organisations.models import Membership, Role
from portal.models import CitizenRead

# How far back the page reaches, and at most how many rows of each source it reads.
PERIOD_DAYS = 365
ROW_LIMIT = 1000

# What kind of data a read was, by the first part of its log action (longest prefix wins).
KIND_OF_READ: list[tuple[str, str | Promise]] = [
    ("api.sip", _("Din SIP (via ett annat system)")),
    ("api.", _("Ditt vårdtillfälle (via ett annat system)")),
    ("summary.", _("Din skriftliga sammanfattning")),
    ("sip.lookup", _("Sökning på ditt personnummer")),
    ("sip.", _("Din SIP")),
    ("admission.", _("Sökning på ditt personnummer vid inskrivning")),
    ("individual.search", _("Sökning på ditt personnummer")),
    ("individual.", _("Dina personuppgifter")),
    ("episode.", _("Ditt vårdtillfälle")),
    ("worklist.", _("Listan över inskrivna på enheten")),
    ("inbox.", _("Meddelanden om ditt vårdtillfälle")),
    ("process.", _("Planeringen av ditt vårdtillfälle")),
    ("continuity.", _("Reservlistan (om datorsystemen inte fungerar)")),
    ("survey.", _("Inbjudan till enkäten")),
    ("deviation.", _("En avvikelse som rör ditt vårdtillfälle")),
    ("statistics.", _("Uppföljning och statistik")),
    ("auditlog.", _("Granskning av loggen")),
    ("admin.", _("Registret över personer (administration)")),
    ("portal.", _("Min planering")),
]


def kind_of_read(action: str) -> str:
    for prefix, label in KIND_OF_READ:
        if action.startswith(prefix):
            return str(label)
    return str(_("Uppgifter om dig"))


@dataclass(frozen=True)
class ReadRow:
    at: dt.datetime
    who: str  # a unit and its organisation, or a representative's name
    role: str  # the staff role at that unit, or the representative's relation
    what: str
    by_representative: bool


def _staff_rows(individual: Individual, since: dt.datetime) -> list[ReadRow]:
    entries = list(
        AccessLog.objects.filter(individual=individual, granted=True, at__gte=since)
        .select_related("unit", "unit__principal")
        .order_by("-at", "-id")[:ROW_LIMIT]
    )
    pairs = {(e.user_id, e.unit_id) for e in entries if e.unit_id}
    roles: dict[tuple[int, int], str] = {}
    if pairs:
        for m in Membership.objects.filter(
            user_id__in={u for u, _unit in pairs}, unit_id__in={unit for _u, unit in pairs}
        ).order_by("id"):
            roles.setdefault((m.user_id, m.unit_id), choice_label(Role, m.role))
    rows = []
    for entry in entries:
        if entry.unit is not None:
            who = f"{entry.unit.name}, {entry.unit.principal.name}"
            role = roles.get((entry.user_id, entry.unit.pk), "")
        else:
            who = str(_("Samsyns förvaltning (administratör)"))
            role = ""
        rows.append(ReadRow(entry.at, who, role, kind_of_read(entry.action), False))
    return rows


def _representative_rows(individual: Individual, since: dt.datetime) -> list[ReadRow]:
    reads = (
        CitizenRead.objects.filter(
            individual=individual, granted=True, at__gte=since, representation__isnull=False
        )
        .select_related("representation")
        .order_by("-at", "-id")[:ROW_LIMIT]
    )
    return [
        ReadRow(
            read.at,
            read.reader_name,
            read.representation.relation if read.representation else "",
            kind_of_read(read.action),
            True,
        )
        for read in reads
    ]


def reads_about(individual: Individual, *, now: dt.datetime | None = None) -> list[ReadRow]:
    """Who has read `individual`'s data in the last `PERIOD_DAYS`, newest first."""
    since = (now or timezone.now()) - dt.timedelta(days=PERIOD_DAYS)
    rows = _staff_rows(individual, since) + _representative_rows(individual, since)
    return sorted(rows, key=lambda row: row.at, reverse=True)
