"""Sentence splitting on real news text (more cases in benchmarks/segmenters.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.segment import split_sentences


def pieces(text):
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Gen. Mark Milley met Dr. Jane Smith in Washington on Jan. 5. They discussed Ukraine.",
            ["Gen. Mark Milley met Dr. Jane Smith in Washington on Jan. 5.", "They discussed Ukraine."],
        ),
        (
            "U.S. Secretary of State Antony Blinken spoke on Tuesday. He warned China.",
            ["U.S. Secretary of State Antony Blinken spoke on Tuesday.", "He warned China."],
        ),
        (
            "“We will never accept this,” the ministry said. “The sanctions are illegal.”",
            ["“We will never accept this,” the ministry said.", "“The sanctions are illegal.”"],
        ),
        (
            "Officials met in St. Petersburg [the former capital] on Feb. 24. The meeting ended.",
            ["Officials met in St. Petersburg [the former capital] on Feb. 24.", "The meeting ended."],
        ),
        # The seeds' machine-translation debris.
        (
            "They would discuss international affairs.with one voice».",
            ["They would discuss international affairs.with one voice»."],
        ),
        (
            "sanctions against Moscow over its actions. invasion of Ukraineas stated in a statement.",
            ["sanctions against Moscow over its actions.", "invasion of Ukraineas stated in a statement."],
        ),
        (
            "Ukraine says Russia has deployed 115,000 troops. Moscow denies any such plan.",
            ["Ukraine says Russia has deployed 115,000 troops.", "Moscow denies any such plan."],
        ),
    ],
)
def test_news_sentences(text, expected):
    assert pieces(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_spans_are_ordered_trimmed_and_inside_the_text(text):
    last = 0
    for start, end in split_sentences(text):
        assert last <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        last = end
