"""A claim's checkable facts: figures with what they count, names, dates and weekdays, actions.

A fact-checker does not ask "is this passage about the same thing?" but "does it
state *these* facts?": the 115,000 troops, Lavrov, Thursday, "signed a deal".
``claim_facts`` splits a sentence into such facts, each with its offsets in the
sentence so a screen can mark it; ``judgement`` then checks each one against a
passage. Pure functions over text, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from . import numbers
from .extraction import COMMON_STARTERS, named_entities

#: Fact kinds, in the order they are listed to a reader.
KINDS = ("figure", "name", "time", "action")

_STEMMER = snowballstemmer.stemmer("english")
# "co-operation" is one word, as "cooperation" is (offsets keep the hyphen).
_WORD = re.compile(r"(?:(?i:co|re|non|pre)-(?=[^\W\d_]))?[^\W_]+(?:['’][^\W_]+)*")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves s t ve ll re d m n't also still even yet well within among
    across toward towards near along around amid upon via per onto""".split()
)
#: Verbs that attribute a statement: who said it is a fact, the verb itself is not.
ATTRIBUTION = frozenset(
    """said say says saying told tell tells stated states state noted notes added adds announced
    claimed claims reported reports according stressed emphasised emphasized affirmed declared
    expressed remarked explained wrote spoke speak speaks speaking""".split()
)
#: Words that carry no checkable content on their own.
FILLER = frozenset(
    """reportedly also well including include includes included various several many much worth
    amid despite however further other another new first last latest recent recently already
    following ahead able""".split()
)
#: Negation words are the claim's polarity, checked as such, not something that happened.
NEGATIONS = frozenset("""never neither none nothing nobody cannot""".split())
#: Words naming a position, not who holds it ("Foreign Minister" Lavrov).
TITLES = frozenset(
    """mr mrs ms dr president prime minister ministers ministry foreign deputy secretary general
    spokesman spokeswoman spokesperson chancellor chief head director chairman leader senator
    governor mayor ambassador envoy official officials top state national federal council
    department office agency government""".split()
)
#: A people's adjective names its country: "Chinese" is stated by "China".
DEMONYMS = {
    "russian": "russia",
    "chinese": "china",
    "american": "us",
    "ukrainian": "ukraine",
    "british": "britain",
    "french": "france",
    "german": "germany",
    "japanese": "japan",
    "indian": "india",
    "iranian": "iran",
    "afghan": "afghanistan",
    "pakistani": "pakistan",
    "korean": "korea",
    "european": "europe",
    "western": "west",
    "soviet": "ussr",
    "turkish": "turkey",
    "israeli": "israel",
    "palestinian": "palestine",
    "syrian": "syria",
    "italian": "italy",
    "hungarian": "hungary",
    "polish": "poland",
    "canadian": "canada",
    "australian": "australia",
    "mexican": "mexico",
    "brazilian": "brazil",
    "african": "africa",
    "asian": "asia",
}
#: News names a country by its capital or seat of power ("Moscow denies", "Beijing backs").
METONYMS = {
    "moscow": "russia",
    "kremlin": "russia",
    "beijing": "china",
    "washington": "us",
    "kyiv": "ukraine",
    "kiev": "ukraine",
    "london": "britain",
    "paris": "france",
    "berlin": "germany",
    "tokyo": "japan",
    "tehran": "iran",
    "kabul": "afghanistan",
    "islamabad": "pakistan",
    "delhi": "india",
    "ankara": "turkey",
    "brussels": "eu",
}
_ALIASES = {"usa": "us", "uk": "britain", **METONYMS}
#: Names of more than one word with a short form: "the United States" is "the US", "Washington".
PHRASE_ALIASES = {
    "united states": "us",
    "united kingdom": "britain",
    "european union": "eu",
    "united nations": "un",
    "soviet union": "ussr",
    "great britain": "britain",
}


def phrase_alias_keys(text: str) -> frozenset[str]:
    """The short forms of the long names in ``text`` ("United States" -> "us")."""
    lower = text.lower()
    return frozenset(stem(short) for long, short in PHRASE_ALIASES.items() if long in lower)


#: Names that may open a sentence on their own: countries, capitals, blocs.
_KNOWN_NAMES = frozenset(
    [
        *DEMONYMS,
        *DEMONYMS.values(),
        *METONYMS,
        "us",
        "nato",
        "eu",
        "un",
        "brics",
        "britain",
        "america",
        "europe",
        "taiwan",
        "xinjiang",
        "hong",
    ]
)
#: Endings of ordinary words, not names, for a lone capitalised word opening a sentence.
_WORD_ENDINGS = ("ing", "ed", "ern", "ly", "tion", "ment", "ness", "ous", "ive", "ity", "ism")
_PART_OF_DAY = re.compile(r"\s+(?:morning|afternoon|evening|night)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Fact:
    """One checkable piece of a claim."""

    kind: str  # "figure" | "name" | "time" | "action"
    label: str  # as written in the claim: "115,000 troops", "Sergey Lavrov", "Thursday"
    start: int  # offsets of the label in the claim
    end: int
    keys: frozenset[str] = frozenset()  # normalised word keys (names, actions)


def stem(word: str) -> str:
    """The key a word is compared by: lower-cased, demonyms to countries, then stemmed."""
    return _stem(word.lower().replace("’", "'").replace("-", "").translate(_SUBSCRIPTS))


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")  # CO₂ is CO2


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    word = word.removesuffix("'s")
    word = DEMONYMS.get(word, _ALIASES.get(word, word))
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=4096)  # a few MB at most; the same texts recur within one claim
def words(text: str) -> tuple[tuple[int, int, str], ...]:
    """Words with their offsets (letters and digits; an apostrophe stays inside a word).
    Cached: the judgement reads the same clauses and passages several times."""
    return tuple((m.start(), m.end(), m.group()) for m in _WORD.finditer(text))


@lru_cache(maxsize=8192)
def content_keys(text: str) -> frozenset[str]:
    """The stems of ``text``'s content words (stop words dropped)."""
    return frozenset(stem(w) for _, _, w in words(text) if w.lower() not in STOPWORDS)


@lru_cache(maxsize=4096)
def claim_facts(claim: str) -> tuple[Fact, ...]:
    """The checkable facts of ``claim``, in reading order within each kind."""
    taken: list[tuple[int, int]] = []
    facts: list[Fact] = []

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    for q in numbers.quantities(claim):
        if q.is_year:
            continue  # a year is a time fact, below
        raw = claim[q.start : q.end]
        label = raw.strip()
        start = q.start + len(raw) - len(raw.lstrip())
        facts.append(Fact("figure", label, start, start + len(label)))
        taken.append((q.start, q.end))
    for s, e, label in _times(claim):
        if free(s, e):
            facts.append(Fact("time", label, s, e))
            taken.append((s, e))
    for s, e, label in _names(claim):
        if free(s, e):
            keys = frozenset(
                stem(w) for _, _, w in words(label) if w.lower() not in TITLES and w.lower() not in STOPWORDS
            )
            if aliases := phrase_alias_keys(label):
                keys = aliases  # "United States" is named by "US" or "Washington" too
            if keys:
                facts.append(Fact("name", label, s, e, keys))
                taken.append((s, e))
    facts.extend(_actions(claim, taken))
    order = {k: i for i, k in enumerate(KINDS)}
    return tuple(sorted(facts, key=lambda f: (order[f.kind], f.start)))


def _times(text: str) -> list[tuple[int, int, str]]:
    found = []
    for m in numbers.WEEKDAY_RE.finditer(text):
        end = m.end()
        if part := _PART_OF_DAY.match(text, end):
            end = part.end()
        found.append((m.start(), end, text[m.start() : end]))
    for m in numbers.DATE_RE.finditer(text):
        found.append((m.start(), m.end(), m.group()))
    for q in numbers.quantities(text):
        if q.is_year:
            digits = re.search(r"\d{4}", text[q.start : q.end])
            if digits:
                s = q.start + digits.start()
                found.append((s, s + 4, digits.group()))
    return sorted(found)


def is_title_case(text: str) -> bool:
    """A headline In Title Case, where capitals say nothing about names."""
    long_words = [w for _, _, w in words(text) if len(w) >= 4 and w.isalpha()]
    return len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) >= 0.75 * len(long_words)


@lru_cache(maxsize=8192)
def _names(text: str) -> tuple[tuple[int, int, str], ...]:
    """Names with offsets: capitalised runs (extraction's rule), titles kept in the label.

    In a Title Case headline only known names (countries, capitals, blocs) and acronyms
    count: "Climate Models Have Overestimated Global Warming" names nobody.
    """
    out = []
    cursor = 0
    headline = is_title_case(text)
    for name in named_entities(text):
        at = text.find(name, cursor)
        if at < 0:
            continue
        cursor = at + len(name)
        if headline:
            for s, e, w in words(name):
                if w.lower() in _KNOWN_NAMES or (w.isupper() and len(w) >= 2):
                    out.append((at + s, at + e, w))
            continue
        first = name.split()[0].lower()
        if (
            at == _first_word_start(text)
            and " " not in name
            and (first in COMMON_STARTERS or (first not in _KNOWN_NAMES and first.endswith(_WORD_ENDINGS)))
        ):
            continue  # "However", "Both", "Melting", "Southern" opening a sentence name nobody
        out.append((at, at + len(name), name))
    return tuple(out)


def _first_word_start(text: str) -> int:
    m = _WORD.search(text)
    return m.start() if m else -1


def _actions(text: str, taken: list[tuple[int, int]]) -> list[Fact]:
    """What the claim says happened: runs of content words outside names, figures and times."""
    facts: list[Fact] = []
    run: list[tuple[int, int, str]] = []

    def flush() -> None:
        if run:
            s, e = run[0][0], run[-1][1]
            facts.append(Fact("action", text[s:e], s, e, frozenset(stem(w) for _, _, w in run)))
            run.clear()

    for s, e, w in words(text):
        lower = w.lower()
        inside = any(ts <= s < te for ts, te in taken)
        if (
            inside
            or lower in STOPWORDS
            or lower in ATTRIBUTION
            or lower in FILLER
            or lower in NEGATIONS
            or w.isdigit()
        ):
            flush()
            continue
        if lower in TITLES and not run:
            continue  # "foreign minister" before a name is part of who, not what
        run.append((s, e, w))
    flush()
    return facts
