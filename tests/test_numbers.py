"""Number, date and weekday normalisation used for disagreement flags."""

from __future__ import annotations

import pytest

from workbench.numbers import disagreements, month_days, quantities, weekdays, words_to_number


@pytest.mark.parametrize(
    "text",
    [
        "100,000 people",
        "100 000 people",
        "100k people",
        "100 thousand people",
        "one hundred thousand people",
        "100\u00a0000 people",
    ],
)
def test_forms_of_one_hundred_thousand(text):
    (q,) = quantities(text)
    assert q.value == 100_000 and q.unit == "person"


@pytest.mark.parametrize(
    "words,value",
    [
        ("two", 2),
        ("twenty-five", 25),
        ("one hundred and five", 105),
        ("three million", 3_000_000),
        ("banana", None),
        ("", None),
    ],
)
def test_words_to_number(words, value):
    assert words_to_number(words) == value


def test_units_and_years():
    (q,) = quantities("a two-day summit")
    assert (q.value, q.unit) == (2, "day")
    (q,) = quantities("growth of 2.5%")
    assert (q.value, q.unit) == (2.5, "%")
    (q,) = quantities("in 2022")
    assert q.is_year
    assert quantities("thousands of troops") == []
    assert quantities("one of the reasons") == []


def test_dates_and_weekdays():
    assert month_days("on June 8, 2018 and 1st of Dec.") == {(6, 8), (12, 1)}
    assert weekdays("talks on Thursday; Friday's meeting") == {"thursday", "friday"}


@pytest.mark.parametrize(
    "claim,passage,flag",
    [
        ("115,000 troops near the border", "100,000 soldiers along the border", "number-mismatch"),
        ("a two-day summit", "a three-day summit", "number-mismatch"),
        ("met on Thursday", "met on Wednesday", "weekday-mismatch"),
        ("signed on June 8", "signed on June 9", "date-mismatch"),
        ("elected in 2018", "elected in 2019", "date-mismatch"),
    ],
)
def test_disagreements_flagged(claim, passage, flag):
    assert flag in disagreements(claim, passage)


@pytest.mark.parametrize(
    "claim,passage",
    [
        ("100k troops", "one hundred thousand soldiers"),
        ("115,000 troops near the border", "thousands of troops near the border"),
        ("a two-day summit", "no figures here"),
        ("3 ministers met", "the talks lasted 40 minutes"),  # different things counted
        ("met on Thursday", "met on Thursday, June 8"),
    ],
)
def test_no_false_disagreement(claim, passage):
    assert disagreements(claim, passage) == ()


def test_day_of_a_date_is_not_a_figure():
    assert [q.value for q in quantities("June 8, 2018: 40 people")] == [2018, 40]


@pytest.mark.parametrize(
    "text, low, high",
    [
        ("97–98% of the researchers", 97, 98),
        ("every 4-7 years", 4, 7),
        ("from 1,000 to 2,000 years ago", 1000, 2000),
        ("between 75% and 90% of it", 75, 90),
    ],
)
def test_ranges(text, low, high):
    qs = quantities(text)
    assert [(q.low, q.high) for q in qs] == [(low, high)] * 2


def test_no_range_across_two_counts():
    assert [(q.low, q.high) for q in quantities("3 ministers and 40 aides")] == [(3, 3), (40, 40)]
    assert [(q.low, q.high) for q in quantities("3 and 40 aides")] == [(3, 3), (40, 40)]


def test_years_before_1800_and_counted_four_digit_figures():
    assert [q.is_year for q in quantities("it happened again in 1675, before the 1635 storm")] == [True, True]
    assert [q.is_year for q in quantities("2000 people were evacuated")] == [False]
    assert [q.is_year for q in quantities("the 2018 election")] == [True]
