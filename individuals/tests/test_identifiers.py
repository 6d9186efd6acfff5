import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from individuals.identifiers import InvalidIdentifier, luhn_ok, parse_identifier

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "typed", ["194107089981", "19410708-9981", "4107089981", "410708-9981", " 410708 9981 "]
)
def test_it_accepts_every_usual_way_of_typing_a_personnummer(typed):
    parsed = parse_identifier(typed, today=TODAY)
    assert parsed.number == "194107089981"
    assert parsed.kind == "personnummer"
    assert parsed.display == "19410708-9981"
    assert parsed.birth_date == dt.date(1941, 7, 8)


def test_a_plus_separator_means_a_hundred_years_or_more():
    # 231107-9988 is a child born 2023; with + the same digits are a person born 1923.
    assert parse_identifier("231107-9988", today=TODAY).number == "202311079988"
    assert parse_identifier("231107+9988", today=TODAY).number == "192311079988"


def test_a_samordningsnummer_has_sixty_added_to_the_day():
    parsed = parse_identifier("19410768-9988", today=TODAY)
    assert parsed.kind == "samordningsnummer"
    assert parsed.birth_date == dt.date(1941, 7, 8)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("19410708-9982", "invalid_checksum"),
        ("19410230-9988", "invalid_date"),
        ("194107089", "invalid_length"),
        ("19410708-99811", "invalid_length"),
        ("abcdefghij", "invalid_length"),
        ("", "required"),
        ("20300101-9987", "future_date"),
    ],
)
def test_it_refuses_a_wrong_personnummer_with_a_reason(typed, code):
    with pytest.raises(InvalidIdentifier) as error:
        parse_identifier(typed, today=TODAY)
    assert error.value.code == code
    assert error.value.field == "identifier"
    assert error.value.message  # a Swedish sentence for the form


def test_a_reserve_number_is_accepted_only_when_flagged_and_kept_as_given():
    parsed = parse_identifier("99-RES-0042", reserve=True, today=TODAY)
    assert parsed.kind == "reservnummer"
    assert parsed.number == "99-RES-0042"
    with pytest.raises(InvalidIdentifier):
        parse_identifier("99-RES-0042", today=TODAY)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY), st.integers(0, 999))
def test_every_generated_valid_number_round_trips(birth, serial):
    stem = f"{birth:%y%m%d}{serial:03d}"
    check = next(c for c in range(10) if luhn_ok(stem + str(c)))
    twelve = f"{birth:%Y}{stem[2:]}{check}"
    assert parse_identifier(twelve, today=TODAY).number == twelve
