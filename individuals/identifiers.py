r"""Swedish personal identity numbers: personnummer, samordningsnummer, reservnummer.

`parse_identifier` accepts what people type (10 or 12 digits, with or without separator,
`+` for a person aged 100 or more) and returns the 12-digit normal form, or refuses with an
`InvalidIdentifier` that says why in Swedish. `ten_digit_form` writes the 10-digit form back,
with `+` from the hundredth birthday, by the same rule.

Only the ASCII digits 0–9 count: Python's `\d` and `int()` also take full-width and other
scripts' digits, which would store the same person a second time under another spelling.
There is no age limit beyond a real date (PROCESS.md has none).
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

_PATTERN = re.compile(
    r"^(?P<century>[0-9]{2})?(?P<yymmdd>[0-9]{6})(?P<sep>[-+]?)(?P<last4>[0-9]{4})$", re.ASCII
)
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


def ten_digit_form(number: str, kind: str, *, today: dt.date | None = None) -> str:
    """YYMMDD-NNNN, or YYMMDD+NNNN from the person's hundredth birthday on `today` (Stockholm
    today by default); a reserve number as given. `parse_identifier` reads it back on the
    same day to the same 12-digit `number`."""
    if kind == RESERVNUMMER:
        return number
    year, month, day = int(number[:4]), int(number[4:6]), int(number[6:8])
    if kind == SAMORDNINGSNUMMER:
        day -= 60
    today = today or timezone.localdate()
    separator = "+" if _reached(year + 100, month, day, today) else "-"
    return f"{number[2:8]}{separator}{number[8:]}"


def parse_identifier(
    text: str, *, reserve: bool = False, today: dt.date | None = None
) -> ParsedIdentifier:
    """Normalise a personnummer or samordningsnummer, or accept a flagged reserve number."""
    raw = (text or "").strip().replace(" ", "")
    if not raw:
        raise InvalidIdentifier("Ange ett personnummer.", code="required")
    if any(not char.isascii() and char.isnumeric() for char in raw):
        raise InvalidIdentifier(
            "Skriv numret med siffrorna 0–9 (inte t.ex. helbreddssiffror).", code="invalid_digits"
        )
    # Checked before upper-casing, which turns some non-ASCII letters into ASCII ones (ß → SS).
    ascii_only = raw.isascii()
    raw = raw.upper()
    if reserve:
        if not ascii_only or not _RESERVE_PATTERN.match(raw):
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
        year = _ten_digit_year(year2, month, day, hundred_or_older=match["sep"] == "+", today=today)

    birth_date = _safe_date(year, month, day)
    if birth_date is None:
        raise InvalidIdentifier(
            "Personnumret innehåller ett datum som inte finns.", code="invalid_date"
        )
    if birth_date > today:
        raise InvalidIdentifier("Födelsedatumet ligger i framtiden.", code="future_date")
    number = f"{year:04d}{yymmdd[2:]}{last4}"
    return ParsedIdentifier(number, kind, birth_date)


def _reached(year: int, month: int, day: int, today: dt.date) -> bool:
    """Whether the day (year, month, day) is `today` or earlier; compared as numbers, so that a
    29 February in a year without one still has its place between 28 February and 1 March."""
    return (year, month, day) <= (today.year, today.month, today.day)


def _ten_digit_year(
    year2: int, month: int, day: int, *, hundred_or_older: bool, today: dt.date
) -> int:
    """The year of birth the 10-digit form means on `today`: the latest year ending in `year2`
    whose (month, day) is not after today, with `-` (aged 0–99), or not after today a hundred
    years ago, with `+` (aged 100–199). Whether that date exists is checked by the caller."""
    latest = today.year - 100 if hundred_or_older else today.year
    year = latest - (latest - year2) % 100
    if not _reached(year + (today.year - latest), month, day, today):
        year -= 100
    return year


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
