"""Parsing the coverage filters of a page or API query: a wrong value is a Swedish refusal."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from competence.coverage import CoverageFilters
from core.errors import ActionError
from organisations.models import CARE_LANES, Area, Principal, Role, Unit

FIELDS: dict[str, type[Principal] | type[Unit] | type[Area]] = {
    "principal": Principal,
    "unit": Unit,
    "area": Area,
}
LABELS = {"principal": "Huvudman", "unit": "Enhet", "area": "Område"}


def parse_filters(query: Mapping[str, str]) -> CoverageFilters:
    found: dict = {}
    for name, model in FIELDS.items():
        value = (query.get(name) or "").strip()
        if not value:
            continue
        try:
            found[name] = model.objects.get(public_id=uuid.UUID(value))
        except (ValueError, ObjectDoesNotExist):
            raise ActionError(
                f"{LABELS[name]} finns inte: välj i listan.", code="invalid", field=name
            ) from None
    lane = (query.get("lane") or "").strip()
    if lane:
        if lane not in {str(lane) for lane in CARE_LANES}:
            raise ActionError("Okänd simbana: välj i listan.", code="invalid", field="lane")
        found["lane"] = lane
    role = (query.get("role") or "").strip()
    if role:
        if role not in Role.values:
            raise ActionError("Okänd roll: välj i listan.", code="invalid", field="role")
        found["role"] = role
    return CoverageFilters(**found)


def parse_day(query: Mapping[str, str]) -> dt.date:
    text = (query.get("day") or "").strip()
    today = timezone.localdate()
    if not text:
        return today
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ActionError(
            "Datumet kan inte läsas: skriv ÅÅÅÅ-MM-DD.", code="invalid", field="day"
        ) from None
    if day > today:
        raise ActionError(
            "Täckningen kan inte visas för en dag i framtiden.", code="future_date", field="day"
        )
    return day
