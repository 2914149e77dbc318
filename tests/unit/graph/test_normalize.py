"""Normalisers: the store's form of each value, or a reason without the value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.normalize import (
    BadValue,
    normalize_amount,
    normalize_bool,
    normalize_datetime,
    normalize_email,
    normalize_name,
    normalize_phone,
)


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("(415) 555-0132", "US", "+14155550132"),
        ("+1 415.555.0132", "DE", "+14155550132"),
        ("030 1234567", "DE", "+49301234567"),
        ("138 0013 8000", "CN", "+8613800138000"),
        ("0000000000", "US", "+10000000000"),
        ("12-34-5", "US", "12345"),
    ],
)
def test_phones_become_e164_or_digits(raw: str, region: str, e164: str) -> None:
    assert normalize_phone(raw, region) == e164


def test_a_number_gets_one_key_whatever_its_format() -> None:
    forms = ["000-000-0000", "(000) 000 0000", "+1 000 000 0000"]
    assert {normalize_phone(f, "US") for f in forms} == {"+10000000000"}


def test_names_are_nfkc_with_collapsed_spaces() -> None:
    assert normalize_name("  王\u3000 伟 ") == "王 伟"
    assert normalize_name("ﬁona\t  Smith") == "fiona Smith"


def test_times_become_utc_text() -> None:
    assert normalize_datetime("2024-06-01T12:00:00+02:00") == "2024-06-01T10:00:00Z"
    assert normalize_datetime("2024-06-01") == "2024-06-01T00:00:00Z"
    assert normalize_datetime("2024-06-01 08:00", tz="Asia/Shanghai") == "2024-06-01T00:00:00Z"


@pytest.mark.parametrize(("raw", "value"), [("12.345", 12.34), ("1,000.5", 1000.5), (" -3 ", -3.0)])
def test_amounts_are_exact_to_the_cent(raw: str, value: float) -> None:
    assert normalize_amount(raw) == value


def test_decimal_comma_amounts() -> None:
    assert normalize_amount("1.234,56", decimal_comma=True) == 1234.56


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1,2,3", "',' groups thousands in threes"),
        ("12,34", "',' groups thousands in threes"),
        ("1e308", "is too large for an amount"),
        ("1" * 30, "is too large for an amount"),
        (1e300, "is too large for an amount"),
    ],
)
def test_absurd_amounts_are_refused_with_a_reason(raw: object, reason: str) -> None:
    with pytest.raises(BadValue) as caught:
        normalize_amount(raw)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-05:00", "0001-01-01T00:00:00"],
)
def test_times_out_of_range_are_refused_not_a_crash(raw: str) -> None:
    with pytest.raises(BadValue):
        normalize_datetime(raw, tz="Asia/Shanghai")


@pytest.mark.parametrize("raw", ["abc", "nan", "inf", ""])
def test_bad_amounts_say_why_without_the_value(raw: str) -> None:
    with pytest.raises(BadValue) as caught:
        normalize_amount(raw)
    assert raw not in str(caught.value) or raw == ""


def test_booleans() -> None:
    assert normalize_bool("Opt-In") is True
    assert normalize_bool("0") is False
    with pytest.raises(BadValue):
        normalize_bool("maybe")


@given(st.emails())
def test_any_valid_email_is_accepted_and_lower_cased(email: str) -> None:
    assert email.isascii()  # what st.emails() draws: upper() and lower() are inverse there
    assert normalize_email(f"  {email.upper()} ") == email.lower()


@given(
    st.sampled_from(["US", "DE", "CN", "GB", "FR", "IN"]),
    st.lists(st.sampled_from("0123456789"), min_size=5, max_size=15).map("".join),
    st.sampled_from(
        [
            "{d}",
            "+{d}",
            "({a}) {b}-{c}",
            "{a}.{b}.{c}",
            "+{a} {b} {c}",
            "{a}/{b} {c}",
            "00{d}",
            "  {a} - {b}  {c} ",
        ]
    ),
)
def test_formatting_never_changes_a_phone_number(region: str, digits: str, form: str) -> None:
    """The cached digit-key parse equals phonenumbers on the text as written."""
    import phonenumbers

    a, b, c = digits[:3], digits[3:6], digits[6:]
    text = form.format(d=digits, a=a, b=b, c=c)
    try:
        number = phonenumbers.parse(text.strip(), region)
        expected = (
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if phonenumbers.is_possible_number(number)
            else "".join(ch for ch in text if ch.isdigit())
        )
    except phonenumbers.NumberParseException:
        expected = "".join(ch for ch in text if ch.isdigit())
    assert normalize_phone(text, region) == expected
