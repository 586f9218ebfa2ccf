"""Judging evidence: does a passage support the claim, contradict it, or only touch its topic?

For each of the claim's checkable facts (``workbench.facts``) a passage either
*states* it, leaves it *missing*, or *differs* (another figure for the same thing,
another weekday, another speaker, the opposite action). From those:

- **supports**: no fact differs, every figure and name is stated, and most of what
  the claim says happened is stated too;
- **contradicts**: a fact differs in a passage that is clearly about the same
  thing (a differing figure in an unrelated passage is no contradiction);
- **related**: anything else: on topic, but it does not establish the claim.

``assess`` then combines the judged candidates into the claim's coverage (which facts
are corroborated, contradicted, found nowhere) and the suggested verdict. It is the
one place a suggestion is made: the linker, ``suggest``, the review screen and the
reports all take it from here. Pure functions over text, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz

from . import embeddings, numbers
from .facts import (
    ATTRIBUTION,
    DEMONYMS,
    FILLER,
    METONYMS,
    NEGATIONS,
    STOPWORDS,
    TITLES,
    Fact,
    claim_facts,
    content_keys,
    phrase_alias_keys,
    stem,
    words,
)
from .facts import _names as names_in
from .models import Candidate, Coverage, LinkResult

#: A differing measure (years, %, degrees, money) counts when the passage shares this much
#: of the claim's content, as much as a differing time, actor or action needs...
FIGURE_MIN_OVERLAP = 0.45
#: ... or this much when both count the same thing ("115,000 troops" / "100,000 soldiers").
FIGURE_MIN_OVERLAP_SAME_THING = 0.1
#: A differing time, actor or action counts only in a passage this close to the claim.
OTHER_MIN_OVERLAP = 0.45
#: A passage supports the claim only when it shares this much of its content...
SUPPORT_MIN_OVERLAP = 0.5
#: ... and states at least this share of the words saying what happened...
SUPPORT_MIN_ACTION = 0.5
#: ... or, when the word embeddings (optional extra) find the sentences this similar, this
#: share: a paraphrase says the same with other words ("stand together" / "united").
PARAPHRASE_SIMILARITY = 0.7
PARAPHRASE_MIN_ACTION = 0.25
#: An action phrase is stated when this share of its words is.
ACTION_STATED = 0.5

#: Verbs and nouns that say the same thing in news copy (whole words, stemmed below).
_SYNONYM_SETS = [
    "support supports backs backing endorse endorsed approve approved favour favor uphold",
    "position positions stance stances view approach",
    "condemn condemned denounce denounced criticise criticised criticize criticized criticism slam decry",
    "talks discuss discussed discussion meet met meeting negotiate negotiations",
    "agree agreed agreement accord deal pact",
    "sign signed conclude concluded",
    "deploy deployed send sent mass massed amass amassed station stationed",
    "withdraw withdrew withdrawal pull retreat",
    "reject rejected dismiss dismissed refuse refused rebuff",
    "kill killed dead die died death",
    "invade invaded invasion attack attacked",
    "warn warned caution",
    "urge urged call called press demand demanded",
    "strengthen strengthened deepen deepened boost boosted expand expanded enhance enhanced",
    "ban banned prohibit prohibited bar barred",
    "travel travelled traveled visit visited trip",
    "cooperate cooperation collaborate collaboration",
    "coordinate coordinated coordination",
    "illegal illegitimate unlawful",
    "accuse accused allege alleged blame blamed",
    "plan plans planned planning intend intended prepare preparing",
    "help aid assist assistance",
    "increase increased rise rising grow growing",
    "decrease decreased decline declined drop dropped",
    "injure injured wound wounded hurt",
    "arrest arrested detain detained",
    "announce announced unveil unveiled",
    "launch launched start started begin began",
    "end ended stop stopped halt halted cease ceased",
    "appreciate appreciates value values",
    "praise praised hail hailed applaud applauded welcome welcomed",
]
_SYNONYMS: dict[str, frozenset[str]] = {}
for _line in _SYNONYM_SETS:
    _group = frozenset(stem(w) for w in _line.split())
    for _w in _group:
        _SYNONYMS[_w] = _SYNONYMS.get(_w, frozenset()) | _group
#: Opposite actions: saying one where the claim says the other reverses it.
_ANTONYM_PAIRS = [
    ("support", "oppose"),
    ("support", "condemn"),
    ("back", "oppose"),
    ("back", "condemn"),
    ("praise", "condemn"),
    ("praise", "criticise"),
    ("welcome", "condemn"),
    ("applaud", "condemn"),
    ("applaud", "criticise"),
    ("accept", "reject"),
    ("approve", "reject"),
    ("confirm", "deny"),
    ("admit", "deny"),
    ("agree", "disagree"),
    ("agree", "reject"),
    ("increase", "decrease"),
    ("rise", "fall"),
    ("rose", "fell"),
    ("raise", "cut"),
    ("grow", "shrink"),
    ("win", "lose"),
    ("won", "lost"),
    ("deploy", "withdraw"),
    ("send", "withdraw"),
    ("join", "leave"),
    ("allow", "ban"),
    ("lift", "impose"),
    ("open", "close"),
    ("arrive", "depart"),
    ("strengthen", "weaken"),
    ("ally", "rival"),
    ("ratify", "reject"),
    ("sign", "reject"),
    ("expand", "reduce"),
    ("improve", "worsen"),
    ("unite", "divide"),
    ("endorse", "oppose"),
    ("favour", "oppose"),
    ("favor", "oppose"),
    ("boost", "cut"),
    ("accelerate", "decelerate"),
    ("overestimate", "underestimate"),
    ("warming", "cooling"),
]
_ANTONYMS: dict[str, set[str]] = {}
for _a, _b in _ANTONYM_PAIRS:
    _ANTONYMS.setdefault(stem(_a), set()).add(stem(_b))
    _ANTONYMS.setdefault(stem(_b), set()).add(stem(_a))
_NEGATION = re.compile(r"\b(?:not|never|no longer|neither|nor|without|n't|cannot)\b|n't\b", re.IGNORECASE)
#: Polarity: a claim that says something is *not* so ("there is no evidence that ...", "sea
#: level rise is not going to happen") is never supported by a passage that negates nothing:
#: that passage states only the words the claim denies.
_POLARITY = re.compile(
    r"\b(?:not|no|never|neither|nor|none|nothing|nobody|without|cannot|n't)\b|n't\b", re.IGNORECASE
)
#: Verbs that deny or exclude: "ban Ukraine from joining" says "never able to join". One in
#: the claim must be in the passage too: "denied demanding" is not stated by "demanded".
_NEGATIVE_VERBS = frozenset(
    stem(w)
    for w in """deny denies denied refuse refused reject rejected ban banned
                            bar barred prohibit prohibited exclude excluded rule fail failed lack decline
                            declined dismiss dismissed""".split()
)
NEGATION_WINDOW = 3  # words before an action word in which a "not" negates it
#: A negated action disagrees only where the passage states this share of its words:
#: half of "making natural disasters worse" is the topic, not what is negated.
NEGATION_STATED = 0.75


@dataclass(frozen=True)
class FactCheck:
    """One claim fact against one passage."""

    fact: Fact
    status: str  # "stated" | "missing" | "differs"
    other: str = ""  # what the passage says instead, for "differs"


@dataclass(frozen=True)
class Judgement:
    stance: str  # "supports" | "contradicts" | "related"
    reasons: tuple[
        str, ...
    ]  # one glance: "states: Lavrov · Thursday", "differs: 115,000 troops → 100,000 soldiers"
    checks: tuple[FactCheck, ...]
    flags: tuple[str, ...]  # disagreement flags ("number-mismatch", ...) of a contradiction


@dataclass(frozen=True)
class _Passage:
    keys: frozenset[str]  # content stems
    order: tuple[str, ...]  # every word's stem, in order (for windows)
    negated_at: frozenset[int]  # word positions a negation precedes within NEGATION_WINDOW
    quantities: tuple[numbers.Quantity, ...]
    years: frozenset[float]
    dates: frozenset[tuple[int, int]]
    weekdays: frozenset[str]
    text: str
    negative: bool  # says something is not so: a negation or a verb of refusal anywhere


@lru_cache(maxsize=8192)
def _passage(text: str) -> _Passage:
    ws = words(text)
    order = tuple(stem(w) for _, _, w in ws)
    keys = frozenset(k for (_, _, w), k in zip(ws, order) if w.lower() not in STOPWORDS) | phrase_alias_keys(
        text
    )
    qs, years, dates, weekdays = numbers.analyse(text)
    negative = bool(_POLARITY.search(text)) or bool(keys & _NEGATIVE_VERBS)
    return _Passage(
        keys,
        order,
        _negated_positions(text, ws),
        tuple(q for q in qs if not q.is_year),
        years,
        dates,
        weekdays,
        text,
        negative,
    )


def _negated_positions(text: str, ws: list[tuple[int, int, str]]) -> frozenset[int]:
    out: set[int] = set()
    for m in _NEGATION.finditer(text):
        after = [i for i, (s, _, _) in enumerate(ws) if s >= m.end()][:NEGATION_WINDOW]
        out.update(after)
    return frozenset(out)


def _expanded(keys: frozenset[str]) -> frozenset[str]:
    out = set(keys)
    for k in keys:
        out |= _SYNONYMS.get(k, frozenset())
    return frozenset(out)


#: Countries that qualify a longer name ("Russian Foreign Minister Sergey Lavrov"): the
#: person is named by the other words.
_COUNTRY_KEYS = frozenset(stem(w) for w in (*DEMONYMS.values(), *METONYMS.values()))


def _name_stated(fact: Fact, p: _Passage) -> bool:
    """Does the passage name who the claim names? At least half of a name's words
    ("Lavrov" for "Sergey Lavrov"; one of "Volcanoes Melting West Antarctic Glaciers" is
    no name stated), spelling variants allowed ("Sergey"/"Sergei", "Kyiv"/"Kiev")."""
    keys = fact.keys - _COUNTRY_KEYS if len(fact.keys - _COUNTRY_KEYS) >= 1 else fact.keys
    found = sum(
        1
        for k in keys
        if k in p.keys or (len(k) >= 5 and any(fuzz.ratio(k, pk) >= 80 for pk in p.keys if pk[:1] == k[:1]))
    )
    return found > 0 and 2 * found >= len(keys)


#: A claim or passage is judged on at most this many characters: they are sentences, and a
#: hostile megabyte-long "sentence" must not make every judgement (or the screen) slow.
MAX_CLAIM_CHARS = 2_000
MAX_PASSAGE_CHARS = 5_000


def stance(claim: str, passage: str, similarity: float | None = None) -> Judgement:
    """How ``passage`` bears on ``claim``, with the reasons a reader can check.

    ``similarity`` is the cosine of the two sentences' word embeddings when the optional
    model is installed (``judge_candidates`` computes it); without it the judgement is
    purely lexical.
    """
    return _stance(claim[:MAX_CLAIM_CHARS], passage[:MAX_PASSAGE_CHARS], similarity)


@lru_cache(maxsize=8192)
def _stance(claim: str, passage: str, similarity: float | None) -> Judgement:
    facts = claim_facts(claim)
    p = _passage(passage)
    c = _passage(claim)
    expanded = _expanded(p.keys)
    # A synonym from the news lexicon is shared content too ("backs" / "supports").
    overlap = len(c.keys & expanded) / len(c.keys) if c.keys else 0.0
    checks: list[FactCheck] = []
    flags: list[str] = []
    action_words = action_hits = 0
    for fact in facts:
        if fact.kind == "figure":
            quantity = next((q for q in c.quantities if q.start <= fact.start < q.end), None)
            check, flag = _check_figure(claim, fact, quantity, p, overlap)
        elif fact.kind == "time":
            check, flag = _check_time(claim, fact, p, overlap)
        elif fact.kind == "name":
            check, flag = _check_name(claim, fact, p, overlap)
        else:
            check, flag = _check_action(claim, fact, p, c, expanded, overlap)
            action_words += len(fact.keys)
            # Words of a reversed, negated or unnegated action say nothing in its favour.
            if check.status != "differs" and not (check.status == "missing" and _negated_keys(fact, c)):
                action_hits += len(fact.keys & expanded)
        checks.append(check)
        if flag:
            flags.append(flag)
    differs = [ch for ch in checks if ch.status == "differs" and ch.other]
    hard_missing = [ch for ch in checks if ch.status != "stated" and ch.fact.kind in ("figure", "name")]
    action_share = action_hits / action_words if action_words else 1.0
    says_it = action_share >= SUPPORT_MIN_ACTION or (
        similarity is not None
        and similarity >= PARAPHRASE_SIMILARITY
        and action_share >= PARAPHRASE_MIN_ACTION
    )
    if flags:
        verdict = "contradicts"
    elif (
        not hard_missing
        and not differs
        and overlap >= SUPPORT_MIN_OVERLAP
        and says_it
        and (not c.negative or p.negative)
        and _predicate_stated(claim, expanded)
        and c.keys & _NEGATIVE_VERBS <= expanded
    ):
        verdict = "supports"
    else:
        verdict = "related"
    return Judgement(verdict, _reasons(checks, flags), tuple(checks), tuple(dict.fromkeys(flags)))


_COPULA = frozenset("is are was were".split())
_DEGREE = frozenset("too very so more less much most least quite rather far even really".split())


@lru_cache(maxsize=4096)
def _predicate(claim: str) -> str | None:
    """The word a claim of the form "X is P" says of X ("exaggerated", "significant",
    "slower"): the first content word after the first "is/are/was/were", past degree
    words and negations. None when the claim has no such form."""
    ws = words(claim)
    for i, (_, _, w) in enumerate(ws):
        if w.lower() not in _COPULA:
            continue
        for _, _, nxt in ws[i + 1 :]:
            lower = nxt.lower()
            if lower in _DEGREE or lower in STOPWORDS or lower.endswith("ly") or _POLARITY.fullmatch(lower):
                continue
            if nxt[:1].isupper() or any(ch.isdigit() for ch in nxt) or lower in FILLER or lower in NEGATIONS:
                return None  # a name or a figure: checked as such
            return stem(nxt)
        return None
    return None


def _predicate_stated(claim: str, expanded: frozenset[str]) -> bool:
    """A passage supports "sea level rise predictions are exaggerated" only if it says
    "exaggerated" (or the like): the topic words alone do not say it."""
    predicate = _predicate(claim)
    return predicate is None or predicate in expanded


def _check_figure(
    claim: str, fact: Fact, q: numbers.Quantity | None, p: _Passage, overlap: float
) -> tuple[FactCheck, str | None]:
    if q is None:
        return FactCheck(fact, "missing"), None
    rivals = [b for b in p.quantities if numbers.comparable(q, b)]
    if any(q.consistent_with(b) for b in rivals):
        return FactCheck(fact, "stated"), None
    if rivals:
        other = p.text[rivals[0].start : rivals[0].end].strip()
        return FactCheck(fact, "differs", other), (
            "number-mismatch" if any(_same_measure(claim, q, p, b, overlap) for b in rivals) else None
        )
    if any(b.value == q.value for b in p.quantities):
        return FactCheck(fact, "stated"), None
    return FactCheck(fact, "missing"), None


#: Units that measure rather than count: two figures in years, per cent or degrees are
#: about the same thing only when the words around them say so ("35 years" of reef loss
#: against "every 4-7 years" of El Niño are not); a counted noun ("troops") says it itself.
MEASURES = frozenset(
    {
        "year",
        "day",
        "week",
        "month",
        "hour",
        "minute",
        "second",
        "decade",
        "century",
        "%",
        "usd",
        "eur",
        "gbp",
        "metre",
        "kilometre",
        "centimetre",
        "mile",
        "kilogram",
        "tonne",
        "degree",
        "ppm",
        "part",
        "time",
        "foot",
        "feet",
        "inch",
        "km",
        "cm",
        "mm",
    }
)
#: Words next to a figure that only name its scale or unit: no context of their own.
_SCALE_WORDS = frozenset(
    stem(w)
    for w in """per cent percent fahrenheit celsius kelvin million billion
                         thousand hundred trillion""".split()
)
FIGURE_CONTEXT = 4  # content words either side of a figure that say what it measures


def _same_measure(claim: str, q: numbers.Quantity, p: _Passage, b: numbers.Quantity, overlap: float) -> bool:
    """Do the claim's figure ``q`` and the passage's ``b`` measure the same thing?

    The same event ("killing 9", "the death toll rose to 11") or the same counted noun
    ("115,000 troops", "100,000 soldiers") in a passage on the topic does; a bare figure
    or a measure (years, per cent, degrees, money) needs a passage close to the claim and
    words of the claim next to both figures.
    """
    if q.event and b.event == q.event:
        return overlap >= FIGURE_MIN_OVERLAP_SAME_THING
    if q.unit and b.unit == q.unit and q.unit not in MEASURES:
        return overlap >= FIGURE_MIN_OVERLAP_SAME_THING
    return overlap >= FIGURE_MIN_OVERLAP and bool(_figure_context(claim, q) & _figure_context(p.text, b))


@lru_cache(maxsize=16384)
def _figure_context(text: str, q: numbers.Quantity) -> frozenset[str]:
    left = _CLAUSE_BREAK.split(text[: q.start])[-1]
    right = _CLAUSE_BREAK.split(text[q.end :])[0]

    def keys(segment: str) -> list[str]:
        return [
            k
            for _, _, w in words(segment)
            if w.lower() not in STOPWORDS
            and not any(ch.isdigit() for ch in w)
            and numbers.words_to_number(w) is None
            and (k := stem(w)) not in _SCALE_WORDS
        ]

    return frozenset(keys(left)[-FIGURE_CONTEXT:] + keys(right)[:FIGURE_CONTEXT])


def _check_time(claim: str, fact: Fact, p: _Passage, overlap: float) -> tuple[FactCheck, str | None]:
    label = fact.label
    if numbers.WEEKDAY_RE.match(label):
        day = label.split()[0].lower()
        if day in p.weekdays:
            return FactCheck(fact, "stated"), None
        if p.weekdays:
            other = next(iter(sorted(p.weekdays))).capitalize()
            return FactCheck(fact, "differs", other), (
                "weekday-mismatch" if overlap >= OTHER_MIN_OVERLAP else None
            )
        return FactCheck(fact, "missing"), None
    if label.isdigit():  # a year: differs only where it dates the same event
        year = float(label)
        if year in p.years:
            return FactCheck(fact, "stated"), None
        if p.years and _same_event_year(claim, fact, p):
            other = str(int(min(p.years, key=lambda y: abs(y - year))))
            return FactCheck(fact, "differs", other), (
                "date-mismatch" if overlap >= OTHER_MIN_OVERLAP else None
            )
        return FactCheck(fact, "missing"), None
    dates = numbers.month_days(label)
    if dates & p.dates:
        return FactCheck(fact, "stated"), None
    if dates and p.dates:
        return FactCheck(fact, "differs", "another date"), (
            "date-mismatch" if overlap >= OTHER_MIN_OVERLAP else None
        )
    return FactCheck(fact, "missing"), None


YEAR_CONTEXT = 4  # content words either side of a year that say what it dates


def _same_event_year(claim: str, fact: Fact, p: _Passage) -> bool:
    """Do the claim's year and one of the passage's years date the same thing?

    "founded in 1990" against "founded in 1991" does; "in 2018 ... and talks in 2022"
    about another matter does not: the content words next to each year must meet.
    """

    def context(text: str, year_positions: list[int]) -> set[str]:
        out: set[str] = set()
        for at in year_positions:
            left = _CLAUSE_BREAK.split(text[:at])[-1]
            right = _CLAUSE_BREAK.split(text[at:])[0]
            before = [stem(w) for _, _, w in words(left) if w.lower() not in STOPWORDS]
            after = [stem(w) for _, _, w in words(right) if w.lower() not in STOPWORDS]
            out |= {k for k in before[-YEAR_CONTEXT:] + after[1 : YEAR_CONTEXT + 1] if not k.isdigit()}
        return out

    mine = context(claim, [fact.start])
    theirs = context(p.text, [m.start() for m in re.finditer(r"\b(?:1[89]|20)\d\d\b", p.text)])
    return bool(mine & theirs)


def _check_name(claim: str, fact: Fact, p: _Passage, overlap: float) -> tuple[FactCheck, str | None]:
    if _name_stated(fact, p):
        return FactCheck(fact, "stated"), None
    other = _same_role_name(claim, fact, p)
    if other:
        return FactCheck(fact, "differs", other), ("actor-mismatch" if overlap >= OTHER_MIN_OVERLAP else None)
    return FactCheck(fact, "missing"), None


_CLAUSE_BREAK = re.compile(r"[,.;:!?\"“”«»()\[\]—–]")


def _neighbours(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """The content words just before and after a span (stems) within its clause: stop
    words are skipped, punctuation and other names end the search."""

    def nearest(segment: list[tuple[int, int, str]]) -> str | None:
        for _, _, w in segment:
            if w.lower() in STOPWORDS:
                continue
            return None if w[:1].isupper() else stem(w)
        return None

    left = _CLAUSE_BREAK.split(text[:start])[-1]
    right = _CLAUSE_BREAK.split(text[end:])[0]
    return nearest(words(left)[::-1]), nearest(words(right))


def _same_role_name(claim: str, fact: Fact, p: _Passage) -> str | None:
    """A name of the passage that stands where the claim's name stands: the same word
    before or after it ("Foreign Minister X said", "talks in X"), or the speaker of the
    same statement. Names the claim also has are not rivals."""
    claim_keys = content_keys(claim)
    before, after = _neighbours(claim, fact.start, fact.end)
    speaker = _is_speaker(claim, fact.start, fact.end)
    for s, e, name in names_in(p.text):
        keys = {stem(w) for _, _, w in words(name)}
        if keys & claim_keys or not keys - _TITLE_STEMS:
            continue
        if name.lower() in fact.label.lower() or fact.label.lower() in name.lower():
            continue  # "CO" of "CO 2", a part of the same name, is no other actor
        pb, pa = _neighbours(p.text, s, e)
        same_slot = (before and pb == before) or (after and pa == after)
        if same_slot or (speaker and _is_speaker(p.text, s, e)):
            return name
    return None


def _is_speaker(text: str, start: int, end: int) -> bool:
    """Is the name at start:end who says something: "X said", "said X.", "according to X"?"""
    before = words(text[max(0, start - 40) : start])
    after = words(text[end : end + 40])
    if after and after[0][2].lower() in ATTRIBUTION:
        return True
    if before and before[-1][2].lower() in ATTRIBUTION:
        rest = text[end : end + 3].lstrip()
        return not rest or rest[0] in '.,;"”'
    return False


_TITLE_STEMS = frozenset(stem(w) for w in TITLES)


def _check_action(
    claim: str, fact: Fact, p: _Passage, c: _Passage, expanded: frozenset[str], overlap: float
) -> tuple[FactCheck, str | None]:
    hits = fact.keys & expanded
    for k in fact.keys - expanded:
        opposite = _ANTONYMS.get(k, set()) & p.keys
        if opposite:
            word = _surface(p, next(iter(sorted(opposite))))
            return FactCheck(fact, "differs", word), (
                "action-reversed" if overlap >= OTHER_MIN_OVERLAP else None
            )
    share = len(hits) / len(fact.keys)
    negated_keys = _negated_keys(fact, c)
    if negated_keys and (not negated_keys & hits or share < NEGATION_STATED):
        # The claim says something did *not* happen; a passage that leaves out what
        # is negated ("not denied" against "planning to invade") does not state it.
        return FactCheck(fact, "missing"), None
    if share >= ACTION_STATED:
        negated = _negation_differs(claim, fact, hits, p, c) if share >= NEGATION_STATED else None
        if negated:
            return FactCheck(fact, "differs", negated), (
                "negation-mismatch" if overlap >= OTHER_MIN_OVERLAP else None
            )
        return FactCheck(fact, "stated"), None
    return FactCheck(fact, "missing"), None


def _negated_keys(fact: Fact, c: _Passage) -> set[str]:
    """The words of an action the claim negates ("not" within NEGATION_WINDOW before)."""
    return {c.order[i] for i in c.negated_at if i < len(c.order) and c.order[i] in fact.keys}


def _negation_differs(claim: str, fact: Fact, hits: frozenset[str], p: _Passage, c: _Passage) -> str | None:
    """ "did not agree" against "agreed" (or the other way round) on a stated action word."""
    # Only a negation of a word the passage states counts: "not making disasters worse"
    # is not contradicted by a passage on disasters that never says "worse".
    claim_positions = [i for i, k in enumerate(c.order) if k in hits]
    claim_negated = any(i in c.negated_at for i in claim_positions)
    passage_positions = [
        i for i, k in enumerate(p.order) if k in hits or _SYNONYMS.get(k, frozenset()) & hits
    ]
    if not passage_positions:
        return None
    passage_negated = all(i in p.negated_at for i in passage_positions)
    if claim_negated == passage_negated:
        return None
    return "negated in the passage" if passage_negated else "not negated in the passage"


def _surface(p: _Passage, key: str) -> str:
    for (_, _, w), k in zip(words(p.text), p.order):
        if k == key:
            return w
    return key


def _reasons(checks: list[FactCheck], flags: list[str]) -> tuple[str, ...]:
    stated = [ch.fact.label for ch in checks if ch.status == "stated"]
    missing = [ch.fact.label for ch in checks if ch.status == "missing"]
    differs = [f"{ch.fact.label} → {ch.other}" for ch in checks if ch.status == "differs" and ch.other]
    out = []
    if differs:
        out.append("differs: " + " · ".join(differs))
    if stated:
        out.append("states: " + " · ".join(stated))
    if missing:
        out.append("does not state: " + " · ".join(missing))
    return tuple(out)


def _checks(claim: str, passage: str) -> tuple[FactCheck, ...]:
    """Fact by fact (the same whatever the similarity: only the stance uses it)."""
    return stance(claim, passage).checks


def source_key(source: str | None, document_id: int) -> str:
    """Independence: a document's outlet; without one, each document stands alone."""
    return (source or "").strip().lower() or f"doc:{document_id}"


def similarities(claim: str, passages: list[str]) -> list[float | None]:
    """Embedding cosines of each passage with the claim; None each without the model."""
    model = embeddings.get() if passages else None
    if model is None:
        return [None] * len(passages)
    vectors = model.embed([claim, *passages])
    return [round(float(x), 3) for x in (vectors[1:] @ vectors[0]).tolist()]


def judge_candidates(claim: str, candidates: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
    """The candidates with stance, reasons and disagreement flags filled in."""
    sims = similarities(claim, [c.text for c in candidates])
    out = []
    for cand, sim in zip(candidates, sims):
        j = stance(claim, cand.text, sim)
        out.append(replace(cand, stance=j.stance, reasons=j.reasons, flags=j.flags))
    return tuple(out)


def assess(
    claim: str, candidates: tuple[Candidate, ...], *, own_source: str | None = None, judged: bool = False
) -> LinkResult:
    """Coverage, independent sources and the suggested verdict for judged candidates.

    *sourced* only when a passage of another source supports the claim and every
    figure, name and date of the claim is stated by such a passage, with no
    contradiction; *contested* when a passage about the same thing disagrees;
    otherwise *unsupported* (``LinkResult.related_only`` says whether related
    passages exist). Never applied by itself.
    """
    claim = claim[:MAX_CLAIM_CHARS]
    if not judged:
        candidates = judge_candidates(claim, candidates)
    own = (own_source or "").strip().lower()
    facts = claim_facts(claim)
    supporting = [
        c
        for c in candidates
        if c.stance == "supports" and (not own or source_key(c.source, c.document_id) != own)
    ]
    contradicting = [c for c in candidates if c.stance == "contradicts"]
    corroborated: set[Fact] = set()
    contradicted: set[Fact] = set()
    mentioned: set[Fact] = set()
    for cand in candidates:
        for check in _checks(claim, cand.text):
            if check.status == "stated":
                (corroborated if cand in supporting else mentioned).add(check.fact)
            elif check.status == "differs" and cand.stance == "contradicts":
                contradicted.add(check.fact)
    coverage = _coverage(facts, corroborated, contradicted, mentioned)
    hard_uncovered = [f for f in facts if f.kind != "action" and f not in corroborated]
    if not contradicting and not (supporting and not hard_uncovered):
        together = _supported_together(claim, facts, candidates, own)
        if together:
            supporting = together
            corroborated |= {
                ch.fact for c in together for ch in _checks(claim, c.text) if ch.status == "stated"
            }
            hard_uncovered = []
            coverage = _coverage(facts, corroborated, contradicted, mentioned)
    sources = len({source_key(c.source, c.document_id) for c in supporting})
    if contradicting:
        suggested = "contested"
    elif supporting and not hard_uncovered:
        suggested = "sourced"
    else:
        suggested = "unsupported"
    related = any(c.stance == "related" for c in candidates)
    return LinkResult(
        candidates, sources, suggested, coverage, related_only=suggested == "unsupported" and related
    )


def _coverage(
    facts: tuple[Fact, ...], corroborated: set[Fact], contradicted: set[Fact], mentioned: set[Fact]
) -> Coverage:
    return Coverage(
        corroborated=tuple(f.label for f in facts if f in corroborated and f not in contradicted),
        contradicted=tuple(f.label for f in facts if f in contradicted),
        related_only=tuple(
            f.label for f in facts if f in mentioned and f not in corroborated and f not in contradicted
        ),
        not_found=tuple(
            f.label for f in facts if f not in corroborated and f not in contradicted and f not in mentioned
        ),
    )


#: Passages that together support a claim must each state this share of what it says happened...
CORE_ACTION = 0.5
#: ... and this share of its content words ...
CORE_OVERLAP = 0.35
#: ... and between them this share of the words saying what happened.
TOGETHER_ACTION = 0.75


def _states_core(claim: str, checks: tuple[FactCheck, ...]) -> bool:
    actions = [ch for ch in checks if ch.fact.kind == "action"]
    total = sum(len(ch.fact.keys) for ch in actions)
    stated = sum(len(ch.fact.keys) for ch in actions if ch.status == "stated")
    return total > 0 and stated >= CORE_ACTION * total


def _supported_together(
    claim: str, facts: tuple[Fact, ...], candidates: tuple[Candidate, ...], own: str
) -> list[Candidate]:
    """Passages of other sources that between them state the claim, when none does alone.

    Each must state the core of the claim (most of what it says happened, on the same
    topic): a name, figure or date counts only when a passage that also states the core
    action states it, so a swapped person or an invented event never gets through by
    being named somewhere else. Between them they state every name, figure and date and
    most of the action words.
    """
    core = []
    c = _passage(claim)
    for cand in candidates:
        if cand.stance == "contradicts" or (own and source_key(cand.source, cand.document_id) == own):
            continue
        checks = _checks(claim, cand.text)
        if any(ch.status == "differs" for ch in checks):
            continue
        p = _passage(cand.text)
        if c.keys and len(c.keys & p.keys) / len(c.keys) >= CORE_OVERLAP and _states_core(claim, checks):
            core.append((cand, checks))
    if not core:
        return []
    stated = {ch.fact for _, checks in core for ch in checks if ch.status == "stated"}
    if any(f.kind != "action" and f not in stated for f in facts):
        return []
    action_words = sum(len(f.keys) for f in facts if f.kind == "action")
    stated_words = sum(len(f.keys) for f in facts if f.kind == "action" and f in stated)
    if action_words and stated_words < TOGETHER_ACTION * action_words:
        return []
    return [cand for cand, _ in core]
