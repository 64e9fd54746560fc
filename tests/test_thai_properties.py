"""Property tests: Thai digit and Buddhist Era date conversions round-trip."""
from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tracker.thai import (
    ARABIC_DIGITS,
    THAI_DIGITS,
    fiscal_year_bounds,
    format_date_long,
    format_date_numeric,
    format_date_short,
    format_fiscal_year,
    parse_date,
    parse_period,
    to_arabic_digits,
    to_thai_digits,
)

# Four-digit years from 2400 on read as Buddhist Era, so every Gregorian year
# from 1900 prints as a BE year that reads back.
four_digit_years = st.dates(min_value=date(1900, 1, 1), max_value=date(2399, 12, 31))
# A two-digit year means 25xx BE, that is 1957-2056.
two_digit_years = st.dates(min_value=date(1957, 1, 1), max_value=date(2056, 12, 31))
texts_without_thai_digits = st.text(
    alphabet=st.characters(blacklist_characters=THAI_DIGITS, blacklist_categories=("Cs",))
)
texts_without_arabic_digits = st.text(
    alphabet=st.characters(blacklist_characters=ARABIC_DIGITS, blacklist_categories=("Cs",))
)


@given(texts_without_thai_digits)
def test_arabic_to_thai_digits_and_back(text):
    thai = to_thai_digits(text)
    assert not any(ch in ARABIC_DIGITS for ch in thai)
    assert to_arabic_digits(thai) == text


@given(texts_without_arabic_digits)
def test_thai_to_arabic_digits_and_back(text):
    assert to_thai_digits(to_arabic_digits(text)) == text


@given(four_digit_years, st.booleans())
def test_long_date_round_trips(day, thai_digits):
    assert parse_date(format_date_long(day, thai_digits=thai_digits)) == day


@given(two_digit_years, st.booleans())
def test_short_date_with_two_digit_year_round_trips(day, thai_digits):
    assert parse_date(format_date_short(day, thai_digits=thai_digits)) == day


@given(four_digit_years, st.booleans())
def test_numeric_date_round_trips(day, thai_digits):
    assert parse_date(format_date_numeric(day, thai_digits=thai_digits)) == day


@given(
    st.tuples(two_digit_years, two_digit_years).map(sorted),
    st.sampled_from([" ถึง ", " - ", " – ", "—", " to "]),
    st.sampled_from([format_date_long, format_date_short, format_date_numeric]),
    st.booleans(),
)
def test_period_of_two_dates_round_trips(days, separator, format_date, thai_digits):
    start, end = days
    text = format_date(start, thai_digits) + separator + format_date(end, thai_digits)
    assert parse_period(text) == (start, end)


@given(st.integers(min_value=2500, max_value=2599), st.booleans())
def test_fiscal_year_period_round_trips(fy, thai_digits):
    assert parse_period(format_fiscal_year(fy, thai_digits)) == fiscal_year_bounds(fy)
