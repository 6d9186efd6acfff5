"""Swedish personal identity numbers: personnummer, samordningsnummer, reservnummer.

`parse_identifier` accepts what people type (10 or 12 digits, with or without separator,
`+` for a person aged 100 or more) and returns the 12-digit normal form, or refuses with an
`InvalidIdentifier` that says why in Swedish.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from core.errors import ActionError

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
RESERVNUMMER = "reservnummer"

FHIR_SYSTEMS = {
    PERSONNUMMER: "urn:oid:1.2.752.129.2.1.3.1",
    SAMORDNINGSNUMMER: "urn:oid:1.2.752.129.2.1.3.3",
}

_PATTERN = re.compile(r"^(?P<century>\d{2})?(?P<yymmdd>\d{6})(?P<sep>[-+]?)(?P<last4>\d{4})$")
_RESERVE_PATTERN = re.compile(r"^[0-9A-Z][0-9A-Z-]{4,18}[0-9A-Z]$")


class InvalidIdentifier(ActionError):
    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code, field="identifier")


@dataclass(frozen=True)
class ParsedIdentifier:
    number: str  # 12 digits for personnummer/samordningsnummer; the reserve number as given
    kind: str
    birth_date: dt.date | None

    @property
    def display(self) -> str:
        """YYYYMMDD-NNNN, the form shown to staff."""
        if self.kind == RESERVNUMMER:
            return self.number
        return f"{self.number[:8]}-{self.number[8:]}"


def luhn_ok(ten_digits: str) -> bool:
    """The Luhn check over the 10-digit form (YYMMDDNNNC)."""
    total = 0
    for index, char in enumerate(ten_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def format_identifier(number: str, kind: str) -> str:
    return ParsedIdentifier(number, kind, None).display


def parse_identifier(
    text: str, *, reserve: bool = False, today: dt.date | None = None
) -> ParsedIdentifier:
    """Normalise a personnummer or samordningsnummer, or accept a flagged reserve number."""
    raw = (text or "").strip().upper().replace(" ", "")
    if not raw:
        raise InvalidIdentifier("Ange ett personnummer.", code="required")
    if reserve:
        if not _RESERVE_PATTERN.match(raw):
            raise InvalidIdentifier(
                "Ett reservnummer består av 6–20 siffror, bokstäver eller bindestreck.",
                code="invalid_reserve_number",
            )
        return ParsedIdentifier(raw, RESERVNUMMER, None)

    match = _PATTERN.match(raw)
    if not match:
        raise InvalidIdentifier(
            "Personnumret ska ha 10 eller 12 siffror, t.ex. 19121212-1212.", code="invalid_length"
        )
    today = today or timezone.localdate()
    yymmdd, last4 = match["yymmdd"], match["last4"]
    if not luhn_ok(yymmdd + last4):
        raise InvalidIdentifier(
            "Personnumret är felaktigt: kontrollsiffran stämmer inte.", code="invalid_checksum"
        )

    year2, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    kind = PERSONNUMMER
    if day > 60:
        kind = SAMORDNINGSNUMMER
        day -= 60

    if match["century"]:
        if match["sep"] == "+":
            raise InvalidIdentifier(
                "Plustecken används bara i den 10-siffriga formen.", code="invalid_separator"
            )
        year = int(match["century"] + yymmdd[:2])
    else:
        # The 10-digit form: the most recent century that gives a date not in the future, one
        # century further back when the separator is + (100 years or older).
        year = today.year - (today.year - year2) % 100
        if _safe_date(year, month, day) and _safe_date(year, month, day) > today:
            year -= 100
        if match["sep"] == "+":
            year -= 100

    birth_date = _safe_date(year, month, day)
    if birth_date is None:
        raise InvalidIdentifier(
            "Personnumret innehåller ett datum som inte finns.", code="invalid_date"
        )
    if birth_date > today:
        raise InvalidIdentifier("Födelsedatumet ligger i framtiden.", code="future_date")
    if today.year - birth_date.year > 130:
        raise InvalidIdentifier("Födelsedatumet är orimligt långt tillbaka.", code="invalid_date")
    number = f"{year:04d}{yymmdd[2:]}{last4}"
    return ParsedIdentifier(number, kind, birth_date)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
