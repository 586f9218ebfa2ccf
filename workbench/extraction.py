"""Check-worthiness: which sentences a fact-checker would want to check.

Each passage gets a score in [0, 1] and human-readable reasons (a number, a
named person or organisation, an attribution, a direct quote, a date).
Boilerplate (share buttons, bylines, "2 Min Read", photo credits, footers)
is recognised first and is never a claim.
"""

from __future__ import annotations

import re

from .models import ClaimDraft

#: A passage scoring at least this becomes a claim.
CLAIM_THRESHOLD = 0.45

_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^share (this|on|via)\b",
        r"^(share|tweet|email|print|copy link)$",
        r"^follow\b.{0,60}\bon (google news|twitter|facebook|telegram|x)\b",
        r"^and be the first to know",
        r"^\d+\s*min(ute)?s?\s+read$",
        r"^by\s+[\w.'’ -]{2,60}$",
        r"can also be accessed at the following alternate address",
        r"^(https?://|www\.)\S+$",
        r"^\S+\.(com|org|net|co\.uk|gr|ru|cn)$",
        r"\((photo|image|picture)s?( by|:)[^)]*\)\s*$",
        r"^(photo|image|picture|credit)s?\s*(:|by\b)",
        r"^file\s+[-–—]\s",
        r"^(all news|news|home|latest|related|advertisement|read more|see also)$",
        r"^(\w+\s*){1,3}(\s*/\s*(\w+\s*){1,3}){1,}$",  # breadcrumbs: News / China / Russia
        r"^(subscribe|sign up|newsletter|cookie|all rights reserved|©)",
        r"\b(news roku|app store|google play)\b",
    )
]

_ATTRIBUTION = re.compile(
    r"\b(said|says|say|told|tells|according to|stated|states|noted|added|announced|claimed|claims|"
    r"denied|denies|reported|reports|stressed|affirmed|confirmed|warned|urged|accused|accusing|alleging|"
    r"insisted|declared|called on|expressed|briefed|dismissed|acknowledged|cited)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|first|second|"
    r"third|half|percent)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“”«»„]|(^|\s)'[^']{8,}'")
_DATE = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|"
    r"june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|"
    r"nov|dec|yesterday|today|tomorrow|tonight|last (week|month|year)|next (week|month|year)|"
    r"(19|20)\d\d)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_ORG_HINT = re.compile(
    r"\b(ministry|council|nato|un|eu|brics|sco|g20|apec|department|government|kremlin|agency|"
    r"parliament|congress|senate|court|bank|party|organization|organisation|tass|reuters)\b",
    re.IGNORECASE,
)

# Capitalised words that start sentences without naming anyone.
_COMMON_STARTERS = frozenset(
    """a an the this that these those it its he she they we i you his her their our my your
    but and or so yet as while since after before when where which who what why how if though
    although because however meanwhile moreover also even only both all some many most few
    several other another each every there here then now today yesterday tomorrow in on at
    by for from with without of to into over under about against between during through
    according earlier later still such no not one two three four five six seven eight nine ten
    faced a few since""".split()
)


def is_boilerplate(text: str) -> bool:
    """True for navigation, share buttons, bylines, credits and other page furniture."""
    line = " ".join(text.split())
    if not line:
        return True
    return any(p.search(line) for p in _BOILERPLATE)


def named_entities(text: str) -> list[str]:
    """Capitalised word runs that look like names (people, places, bodies)."""
    entities: list[str] = []
    current: list[str] = []
    last_end = 0
    for i, match in enumerate(_WORD.finditer(text)):
        bare = match.group().strip("'’.-")
        # A comma, colon or bracket between two names ends the run.
        if current and text[last_end:match.start()].strip():
            entities.append(" ".join(current))
            current = []
        last_end = match.end()
        capital = bare[:1].isupper() and (
            i > 0 or bare.lower() not in _COMMON_STARTERS
        ) and not (bare.isupper() and len(bare) > 6)
        if capital:
            current.append(bare)
        elif current:
            entities.append(" ".join(current))
            current = []
    if current:
        entities.append(" ".join(current))
    return entities


def score_passage(text: str) -> ClaimDraft:
    """Check-worthiness of one sentence: a score in [0, 1] and the reasons for it."""
    line = " ".join(text.split())
    words = line.split()
    if is_boilerplate(line) or len(words) < 5:
        return ClaimDraft(0.0, ("boilerplate",) if is_boilerplate(line) else ("too short",))
    reasons: list[str] = []
    score = 0.0
    numbers = _NUMBER.search(line)
    if numbers:
        score += 0.35
        reasons.append("number or quantity")
    entities = named_entities(line)
    if entities:
        orgs = [e for e in entities if _ORG_HINT.search(e)]
        shown = ", ".join(dict.fromkeys(entities[:4]))
        score += 0.45 if len(set(entities)) >= 2 else 0.3
        kind = "named person or organisation" if not orgs else "named organisation or person"
        reasons.append(f"{kind}: {shown}")
    if _ATTRIBUTION.search(line):
        score += 0.25
        reasons.append("attribution")
    if _QUOTE.search(line):
        score += 0.2
        reasons.append("direct quote")
    if _DATE.search(line):
        score += 0.2
        reasons.append("date or weekday")
    # Headings and fragments carry no checkable statement.
    if not re.search(r"[.!?\"”»)]\s*$", line) and len(words) < 10:
        score -= 0.3
        reasons.append("heading or fragment")
    if line.endswith("?"):
        score -= 0.2
        reasons.append("question")
    return ClaimDraft(round(max(0.0, min(1.0, score)), 3), tuple(reasons))


def claim_for(text: str, threshold: float = CLAIM_THRESHOLD) -> ClaimDraft | None:
    """The claim record for a passage, or None when it is not check-worthy."""
    draft = score_passage(text)
    return draft if draft.score >= threshold else None
