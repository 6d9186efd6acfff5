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


@register.filter
def sv_date(value: dt.date | dt.datetime | None) -> str:
    """`value` as "1 dec. 2026" (a moment in Stockholm time); "" for none."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return f"{value.day} {_month(value)} {value.year}"


@register.filter
def sv_datetime(value: dt.datetime | None) -> str:
    """`value` as "1 dec. 2026 09:05", Stockholm time; "" for none."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{sv_date(local)} {local:%H:%M}"
