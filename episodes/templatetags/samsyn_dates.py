"""Dates written the Swedish way in running text: "1 dec. 2026", "1 dec. 2026 09:05" (English:
"1 Dec 2026"). Tables use ISO ("2026-12-01 09:05"), with Django's own `date:"Y-m-d H:i"`."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()

# Språkrådet's abbreviations: the short months are written out, the others end in a dot.
SWEDISH_MONTHS = [
    "jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec.",
]  # fmt: skip
ENGLISH_MONTHS = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]


def _month(value: dt.date) -> str:
    months = ENGLISH_MONTHS if (get_language() or "sv").startswith("en") else SWEDISH_MONTHS
    return months[value.month - 1]


def _parsed(value: str) -> dt.date | dt.datetime | str:
    """An ISO date or moment kept as text (a message's data); other text as it is."""
    try:
        return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    except ValueError:
        return value


@register.filter
def sv_date(value: dt.date | dt.datetime | str | None) -> str:
    """`value` (a date, a moment in Stockholm time, or either in ISO text) as "1 dec. 2026";
    "" for none."""
    if not value:
        return ""
    if isinstance(value, str):
        value = _parsed(value)
        if isinstance(value, str):
            return value
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return f"{value.day} {_month(value)} {value.year}"


@register.filter
def sv_datetime(value: dt.datetime | str | None) -> str:
    """`value` (or its ISO text) as "1 dec. 2026 09:05", Stockholm time; "" for none."""
    if not value:
        return ""
    if isinstance(value, str):
        parsed = _parsed(value)
        if not isinstance(parsed, dt.datetime):
            return sv_date(parsed) if isinstance(parsed, dt.date) else parsed
        value = parsed
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{sv_date(local)} {local:%H:%M}"


class Moments:
    """For pages that format many moments in Python (issue 17): each distinct moment turned
    once into its ISO text in Stockholm time (what the template's `date:'c'` writes, for
    `<time datetime>`) and its `sv_datetime` text. One per request: the texts follow the
    active language and time zone."""

    def __init__(self) -> None:
        self._seen: dict[dt.datetime, tuple[str, str]] = {}

    def __call__(self, moment: dt.datetime) -> tuple[str, str]:
        """`moment` as (ISO text, "1 dec. 2026 09:05")."""
        known = self._seen.get(moment)
        if known is None:
            local = timezone.localtime(moment)
            # `isoformat` is what Django's `date:'c'` writes.
            known = self._seen[moment] = (local.isoformat(), sv_datetime(local))
        return known
