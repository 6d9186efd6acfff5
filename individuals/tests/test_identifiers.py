import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from individuals.identifiers import InvalidIdentifier, luhn_ok, parse_identifier, ten_digit_form

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


@pytest.mark.parametrize(
    "typed",
    [
        "１９４１０７０８－９９８１",  # full-width, as some input methods type them
        "１９４１０７０８-９９８１",
        "19410708-９９８１",
        "٤١٠٧٠٨-٩٩٨١",  # Arabic-Indic digits, which `\d` also accepts
        "४१०७०८९९८१",  # Devanagari
    ],
)
def test_it_refuses_digits_other_than_0_to_9_instead_of_storing_a_second_person(typed):
    with pytest.raises(InvalidIdentifier) as error:
        parse_identifier(typed, today=TODAY)
    assert error.value.code == "invalid_digits"
    assert error.value.field == "identifier"
    assert "0–9" in error.value.message


def test_a_reserve_number_with_other_digits_than_0_to_9_is_refused():
    with pytest.raises(InvalidIdentifier) as error:
        parse_identifier("９９-RES-００４２", reserve=True, today=TODAY)
    assert error.value.code == "invalid_digits"


@pytest.mark.parametrize(
    ("typed", "number", "born"),
    [
        ("930302+9806", "189303029806", dt.date(1893, 3, 2)),
        ("18930302-9806", "189303029806", dt.date(1893, 3, 2)),
        ("18500101-9982", "185001019982", dt.date(1850, 1, 1)),
    ],
)
def test_there_is_no_age_limit_beyond_a_real_date(typed, number, born):
    parsed = parse_identifier(typed, today=TODAY)
    assert parsed.number == number
    assert parsed.birth_date == born
    assert parsed.kind == "personnummer"


def test_a_plus_means_a_hundredth_birthday_reached_today_or_earlier():
    # TODAY is 2026-11-23: a person born 1926-11-23 turns 100 today, one born 1926-11-24 is 99,
    # so 261124+ is the one born 1826 (aged 199), not refused as too old.
    assert parse_identifier("261123+9985", today=TODAY).birth_date == dt.date(1926, 11, 23)
    assert parse_identifier("261124+9984", today=TODAY).birth_date == dt.date(1826, 11, 24)
    assert parse_identifier("261124-9984", today=TODAY).birth_date == dt.date(1926, 11, 24)
    assert parse_identifier("261123-9985", today=TODAY).birth_date == dt.date(2026, 11, 23)


def test_a_leap_day_is_found_in_the_last_century_that_has_it():
    # On 2100-01-10 a person born 2000-02-29 is 99: the 29th of February 2100 does not exist,
    # but that must not make the number invalid.
    parsed = parse_identifier("000229-9980", today=dt.date(2100, 1, 10))
    assert parsed.birth_date == dt.date(2000, 2, 29)


def test_a_samordningsnummer_of_a_person_over_a_hundred_keeps_working():
    parsed = parse_identifier("200168+9989", today=TODAY)
    assert parsed.kind == "samordningsnummer"
    assert parsed.number == "192001689989"
    assert parsed.birth_date == dt.date(1920, 1, 8)
    assert ten_digit_form(parsed.number, parsed.kind, today=TODAY) == "200168+9989"


@pytest.mark.parametrize(
    ("number", "kind", "shown"),
    [
        ("194107089981", "personnummer", "410708-9981"),
        ("189303029806", "personnummer", "930302+9806"),
        ("192611239985", "personnummer", "261123+9985"),  # 100 today
        ("192611249984", "personnummer", "261124-9984"),  # 100 tomorrow
        ("194107689988", "samordningsnummer", "410768-9988"),
        ("99-RES-0042", "reservnummer", "99-RES-0042"),
    ],
)
def test_the_ten_digit_form_shows_a_plus_from_the_hundredth_birthday(number, kind, shown):
    assert ten_digit_form(number, kind, today=TODAY) == shown


@given(st.dates(min_value=dt.date(1827, 11, 24), max_value=TODAY), st.integers(0, 999))
def test_the_ten_digit_form_reads_back_to_the_same_person(birth, serial):
    stem = f"{birth:%y%m%d}{serial:03d}"
    check = next(c for c in range(10) if luhn_ok(stem + str(c)))
    twelve = f"{birth:%Y}{stem[2:]}{check}"
    ten = ten_digit_form(twelve, "personnummer", today=TODAY)
    parsed = parse_identifier(ten, today=TODAY)
    assert parsed.number == twelve
    assert parsed.birth_date == birth
