"""Numbers, dates and weekdays in text, normalised so two passages can be compared.

``100,000``, ``100 000``, ``100k``, ``100 thousand`` and ``one hundred thousand``
all read as 100000; ``two-day`` reads as 2 with the unit ``day``. Pure functions,
no I/O: the linker uses them to flag disagreements between a claim and a
candidate passage that otherwise match.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

_UNITS_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
_SUFFIX = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000}

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_RE = "|".join(m[:3].capitalize() + f"(?:{m[3:]})?" + r"\.?" for m in MONTHS)

# Counted nouns that mean the same thing: "115,000 troops" vs "100,000 soldiers" is a disagreement.
_UNIT_SYNONYMS = {
    "soldier": "troop",
    "servicemen": "troop",
    "serviceman": "troop",
    "personnel": "troop",
    "people": "person",
    "persons": "person",
    "individual": "person",
    "dollar": "usd",
    "usd": "usd",
    "$": "usd",
    "percent": "%",
    "per": "%",
    "pct": "%",
    "euro": "eur",
    "eur": "eur",
    "€": "eur",
    "pound": "gbp",
    "gbp": "gbp",
    "£": "gbp",
    "yr": "year",
    "days": "day",
    "hrs": "hour",
    "hr": "hour",
    "km": "kilometre",
    "kilometer": "kilometre",
    "metres": "metre",
    "meter": "metre",
    "meters": "metre",
    "m": "metre",
    "cm": "centimetre",
    "mile": "mile",
    "mi": "mile",
    "kg": "kilogram",
    "kilo": "kilogram",
    "tonne": "tonne",
    "ton": "tonne",
}
_CURRENCY = {"$": "usd", "€": "eur", "£": "gbp"}
# Words that follow a figure without being what it counts ("2,000 were evacuated").
_NOT_UNITS = frozenset(
    """of and the a to in on at or were was are is have has had will would could may might be been
    being as by for from with than that this who which while when after before into over under
    more less fewer times""".split()
)
# What a figure counts, read from the words around it: "killing 9 people", "the death toll
# rose to 11" and "Nine people died" all count deaths; "2,000 were evacuated" does not.
_EVENTS = {
    "death": "killed killing kills kill dead died die dies deaths death toll fatalities fatality lives"
    " perished drowned",
    "injury": "injured injuring wounded wounding hurt injuries injury casualties",
    "evacuation": "evacuated evacuating evacuation evacuations displaced fled homeless",
    "missing": "missing unaccounted",
    "arrest": "arrested arrests detained detention",
    "rescue": "rescued rescue rescues",
}
_EVENT_OF = {w: event for event, ws in _EVENTS.items() for w in ws.split()}
#: Words that say a figure counts people killed, hurt, moved or held (check-worthy with a figure).
EVENT_WORDS = frozenset(_EVENT_OF)
EVENT_WINDOW = 4  # words either side of a figure searched for what it counts
# Qualifiers before a figure turn it into a range: "at least 9" is no contradiction of 11.
_QUALIFIERS = [
    (re.compile(p + r"\s*$", re.IGNORECASE), low, high)
    for p, low, high in (
        (r"\b(?:at least|no fewer than|no less than|a minimum of|as many as)", 1.0, math.inf),
        (r"\b(?:more than|over|upwards of|in excess of|above|exceeding)", 1.0000001, math.inf),
        (r"\b(?:nearly|almost|close to|just under|approaching)", 0.85, 0.9999999),
        (
            r"\b(?:about|around|approximately|roughly|some|an estimated|estimated|circa|nearly about)",
            0.9,
            1.1,
        ),
        (r"\b(?:up to|at most|no more than|a maximum of)", 0.0, 1.0),
        (r"\b(?:less than|fewer than|under|below)", 0.0, 0.9999999),
    )
]
# Vague quantities ("thousands of troops") never disagree with an exact figure.
_VAGUE = {"hundreds", "thousands", "millions", "billions", "dozens", "tens"}

_NUM_WORD = "|".join(sorted(list(_UNITS_WORDS) + list(_SCALES), key=len, reverse=True))
_NUMBER_RE = re.compile(
    r"(?P<cur>[$€£])?\s?"
    # A digit glued to a word is part of a name, not a figure: CO2, G20, COVID-19.
    r"(?:(?<![A-Za-z0-9.,])(?<![A-Za-z]-)(?P<digits>\d{1,3}(?:(?:,|\u00a0|\u202f| )\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"|(?P<words>\b(?:{_NUM_WORD})(?:(?:\s+|-)(?:and\s+)?(?:{_NUM_WORD}))*\b))"
    r"(?:\s?(?P<suffix>k|K|m|M|mn|bn|b)\b)?"
    rf"(?:(?:\s+|-)(?P<scale>{'|'.join(_SCALES)})\b)?"
    r"(?:\s?(?P<pct>%|percent\b|per\s+cent\b))?"
    r"(?:(?:-|\s+)(?P<unit>[A-Za-z]+))?",
    re.IGNORECASE,
)
WEEKDAY_RE = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
DATE_RE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH_RE})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_RE}))"
)


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # normalised counted noun or unit ("troop", "day", "%"), "" when none
    start: int
    end: int
    is_year: bool = False
    event: str = ""  # what is counted, from the words around: "death", "evacuation", "" unknown
    low: float = 0.0  # the range a qualifier allows ("at least 9": 9..inf); value..value if none
    high: float = 0.0

    def __post_init__(self) -> None:
        if not self.low and not self.high:
            object.__setattr__(self, "low", self.value)
            object.__setattr__(self, "high", self.value)

    def consistent_with(self, other: Quantity) -> bool:
        """Can both be true of the same thing? Their ranges overlap, or a whole number is
        the other rounded ("97%" of "97.1%"; not "100,000" of "115,000")."""
        if self.low <= other.high and other.low <= self.high:
            return True
        exact = self.low == self.high and other.low == other.high
        return (
            exact
            and self.value.is_integer() != other.value.is_integer()
            and round(self.value) == round(other.value)
        )


def words_to_number(text: str) -> float | None:
    """``"one hundred thousand"`` → 100000; None when the words are not a number."""
    total = current = 0
    seen = False
    for w in re.split(r"[\s-]+", text.lower()):
        if not w or w == "and":
            continue
        if w in _UNITS_WORDS:
            current += _UNITS_WORDS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in _SCALES:
            total += (current or 1) * _SCALES[w]
            current = 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None


def _unit(word: str | None) -> str:
    if not word:
        return ""
    w = word.lower()
    if w in _UNIT_SYNONYMS:
        return _UNIT_SYNONYMS[w]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return _UNIT_SYNONYMS.get(w, w)


_ANY_NUMBER_RE = re.compile(rf"\d|\b(?:{_NUM_WORD})\b", re.IGNORECASE)


def quantities(text: str) -> list[Quantity]:
    """Every number in ``text``, with its value normalised and the noun it counts."""
    out: list[Quantity] = []
    if not _ANY_NUMBER_RE.search(text):  # cheap test first: most sentences hold no figure
        return out
    # The day of "June 8" is a date, compared by month_days(), not a figure.
    dates = [(d.start(), d.end()) for d in DATE_RE.finditer(text)]
    for m in _NUMBER_RE.finditer(text):
        if any(s <= m.start() < e for s, e in dates):
            continue
        if m.group("digits"):
            raw = re.sub(r"[,\u00a0\u202f ]", "", m.group("digits"))
            try:
                value = float(raw)
            except ValueError:
                continue
        else:
            words = m.group("words")
            unit = m.group("unit")
            # "one of the ..." is rarely a figure
            if words.lower() == "one" and (not unit or unit.lower() in ("of", "the", "a")):
                continue
            parsed = words_to_number(words)
            if parsed is None:
                continue
            value = parsed
        suffix = (m.group("suffix") or "").lower()
        unit_word = m.group("unit")
        spaced_m = suffix == "m" and not m.group("cur") and text[m.start("suffix") - 1].isspace()
        if spaced_m and not m.group("scale"):
            unit_word, suffix = "m", ""  # "3 m" is three metres; "€2m", "3m" are millions
        if suffix in _SUFFIX and m.group("digits"):
            value *= _SUFFIX[suffix]
        elif suffix:
            continue  # "2 m" after a spelled number: ambiguous, skip
        if m.group("scale"):
            value *= _SCALES[m.group("scale").lower()]
        if unit_word and unit_word.lower() in _VAGUE:
            continue
        if unit_word and unit_word.lower() in _NOT_UNITS:
            unit_word = None
        unit = "%" if m.group("pct") else (_CURRENCY.get(m.group("cur") or "") or _unit(unit_word))
        digits = m.group("digits") or ""
        is_year = (
            digits.isdigit()
            and len(digits) == 4
            and not m.group("suffix")
            and not m.group("scale")
            and not m.group("pct")
            and not m.group("cur")
            and not _counts_plural(m.group("unit"))
            and (
                1800 <= value <= 2100 or (1000 <= value < 1800 and bool(_YEAR_LEAD.search(text[: m.start()])))
            )
        )
        low, high = _qualified(text, m.start(), value)
        out.append(
            Quantity(value, unit, m.start(), m.end(), is_year, _event(text, m.start(), m.end()), low, high)
        )
    return _ranges(text, out)


# "in 1675", "the 1635 storm": an older four-digit figure reads as a year after these words.
_YEAR_LEAD = re.compile(
    r"\b(?:in|since|from|until|till|by|of|to|and|the|circa|around|year|between|before|after)"
    r"\s*$",
    re.IGNORECASE,
)
_PLURAL_COUNTS = frozenset({"people", "personnel", "police", "staff", "cattle", "children", "men", "women"})


def _counts_plural(word: str | None) -> bool:
    """Does ``word`` after a figure name what it counts ("2000 people", "1500 troops")? Then
    the figure is no year, whereas "the 2018 election" is."""
    if not word or not word[:1].islower():
        return False
    w = word.lower()
    return w in _PLURAL_COUNTS or (w.endswith("s") and not w.endswith("ss") and w not in _NOT_UNITS)


# "97–98%", "4-7 years", "1,000 to 2,000 years", "between 75% and 90%": one range.
_RANGE_JOIN = re.compile(
    r"^[^\w]*(?:[A-Za-z%]+\s+)?(?:[-–—]|to|and)\s*[$€£]?\s*$|^\s*(?:%|per\s*cent|percent)?\s*[-–—]\s*$",
    re.IGNORECASE,
)


_LEADING_NUMBER = re.compile(
    rf"\s*[$€£]?\s?(?:\d[\d,.\u00a0\u202f]*\d|\d|(?:{_NUM_WORD})(?:[\s-]+(?:and\s+)?(?:{_NUM_WORD})\b)*)",
    re.IGNORECASE,
)


def _ranges(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Two figures joined as a range stand for the whole range, each of them: "97–98%" does
    not disagree with 97 per cent, nor "4–7 years" with 5 years."""
    out = list(qs)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.is_year or b.is_year or (a.unit and b.unit and a.unit != b.unit):
            continue
        number = _LEADING_NUMBER.match(text, a.start)
        gap = text[number.end() if number else a.start : b.start]
        if len(gap) > 16 or not _RANGE_JOIN.search(gap):
            continue
        if gap.strip().lower().endswith("and") and not re.search(
            r"\bbetween\s*$", text[max(0, a.start - 12) : a.start + 1], re.IGNORECASE
        ):
            continue  # "3 ministers and 40 aides" is no range
        if a.value >= b.value:
            continue
        low, high = min(a.low, b.low), max(a.high, b.high)
        unit = a.unit or b.unit
        out[i] = Quantity(a.value, unit, a.start, a.end, False, a.event or b.event, low, high)
        out[i + 1] = Quantity(b.value, unit, b.start, b.end, False, b.event or a.event, low, high)
    return out


def _qualified(text: str, start: int, value: float) -> tuple[float, float]:
    """The range ``value`` stands for, given the qualifier just before it."""
    before = text[max(0, start - 30) : start]
    for pattern, low, high in _QUALIFIERS:
        if pattern.search(before):
            return value * low, value * high
    return value, value


_EVENT_WORD = re.compile(r"[a-z]+")


def _event(text: str, start: int, end: int) -> str:
    """What a figure counts, from the nearest event word within EVENT_WINDOW words."""
    before = _EVENT_WORD.findall(text[max(0, start - 60) : start].lower())[-EVENT_WINDOW:]
    after = _EVENT_WORD.findall(text[end : end + 60].lower())[:EVENT_WINDOW]
    # Nearest first, alternating sides; "the death toll rose to 11" finds "death" before.
    for i in range(EVENT_WINDOW):
        for side in (after, before[::-1]):
            if i < len(side) and side[i] in _EVENT_OF:
                return _EVENT_OF[side[i]]
    return ""


def weekdays(text: str) -> set[str]:
    return {m.group(1).lower() for m in WEEKDAY_RE.finditer(text)}


def month_days(text: str) -> set[tuple[int, int]]:
    """``(month, day)`` pairs such as ``June 8`` or ``8th of June``."""
    out: set[tuple[int, int]] = set()
    for m in DATE_RE.finditer(text):
        month = (m.group("m1") or m.group("m2")).lower().rstrip(".")[:3]
        day = int(m.group("d1") or m.group("d2"))
        if 1 <= day <= 31:
            out.add(([x[:3] for x in MONTHS].index(month) + 1, day))
    return out


def comparable(a: Quantity, b: Quantity) -> bool:
    """Could ``a`` and ``b`` be figures for the same thing?

    What is counted decides first ("killing 9 people" and "the death toll rose to 11"
    both count deaths; "2,000 were evacuated" counts something else), then the counted
    noun or unit (troops = soldiers, metres = m). Bare figures compete only when they
    are of similar size and some weight.
    """
    if a.event and b.event:
        return a.event == b.event
    if a.unit and b.unit:
        return a.unit == b.unit
    if a.event or b.event:
        return False
    if a.value <= 0 or b.value <= 0:
        return False
    ratio = max(a.value, b.value) / min(a.value, b.value)
    return ratio <= 2 and min(a.value, b.value) >= 100


def figure_conflicts(
    claim: tuple[Quantity, ...], passage: tuple[Quantity, ...]
) -> list[tuple[Quantity, Quantity]]:
    """Claim figures the passage gives differently: (claim figure, a passage figure for the same thing).

    A claim figure conflicts when the passage has figures for the same thing and none
    of them can be true together with it ("at least 9" and 11 can; "about 2,000" and
    1,600 cannot).
    """
    out = []
    for a in claim:
        rivals = [b for b in passage if comparable(a, b)]
        if rivals and not any(a.consistent_with(b) for b in rivals):
            out.append((a, rivals[0]))
    return out


@lru_cache(maxsize=4096)
def analyse(text: str) -> tuple[tuple[Quantity, ...], frozenset, frozenset, frozenset]:
    """Figures, years, (month, day) dates and weekdays of one text; cached, as the
    claim side repeats for every candidate."""
    qs = tuple(quantities(text))
    return (
        qs,
        frozenset(q.value for q in qs if q.is_year),
        frozenset(month_days(text)),
        frozenset(weekdays(text)),
    )


def disagreements(claim: str, passage: str) -> tuple[str, ...]:
    """Flags for figures, dates and weekdays in ``passage`` that differ from ``claim``'s.

    A flag needs something to compare on both sides and no value in common:
    "115,000 troops" against "100,000 soldiers" → ``number-mismatch``.
    """
    flags: list[str] = []
    all_c, yc, dc, wc = analyse(claim)
    all_p, yp, dp, wp = analyse(passage)
    qc = tuple(q for q in all_c if not q.is_year)
    qp = tuple(q for q in all_p if not q.is_year)
    if figure_conflicts(qc, qp):
        flags.append("number-mismatch")
    if (dc and dp and not dc & dp) or (yc and yp and not yc & yp):
        flags.append("date-mismatch")
    if wc and wp and not wc & wp:
        flags.append("weekday-mismatch")
    return tuple(flags)


def shares_counted_noun(claim: str, passage: str) -> bool:
    """Do both texts give a figure for the same counted noun (troops = soldiers)?

    A shared counted noun is context enough for a figure disagreement to matter
    even when the two sentences share few other words.
    """
    units_c = {q.unit for q in analyse(claim)[0] if q.unit and not q.is_year}
    return bool(units_c) and any(q.unit in units_c for q in analyse(passage)[0] if not q.is_year)
