""" "Skriv vad som hände, inte vem": a warning, never a refusal, when a deviation's text seems to
name the individual (an identity number, or the person's name)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from individuals.identifiers import InvalidIdentifier, parse_identifier

# Ten or twelve digits, with or without a separator, not part of a longer number.
_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+ ]?[0-9]{4}(?![0-9])", re.ASCII)
ADVICE = "Skriv vad som hände, inte vem."


def contains_identity_number(text: str) -> bool:
    """Whether `text` holds something that is a valid personnummer or samordningsnummer
    (`individuals.identifiers.parse_identifier` decides)."""
    for match in _NUMBER.finditer(text or ""):
        try:
            parse_identifier(match.group(0).replace(" ", ""))
        except InvalidIdentifier:
            continue
        return True
    return False


def contains_name(text: str, names: list[str]) -> bool:
    """Whether one of `names` (e.g. the individual's given and family name) is a word of `text`."""
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text or "", re.I):
            return True
    return False


def text_warnings(text: str, *, names: list[str]) -> list[str]:
    """The warnings to show before (and after) a deviation is sent; empty when none."""
    warnings = []
    if contains_identity_number(text):
        warnings.append(_("Texten innehåller ett personnummer. %(advice)s") % {"advice": ADVICE})
    if contains_name(text, names):
        warnings.append(_("Texten innehåller den enskildes namn. %(advice)s") % {"advice": ADVICE})
    return warnings
