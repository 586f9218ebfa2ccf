"""Check-worthiness: which sentences a fact-checker would want to check.

Each passage gets a score in [0, 1] and human-readable reasons (a number, a
named person or organisation, an attribution, a direct quote, a date).
Boilerplate (share buttons, bylines, "2 Min Read", photo credits, footers)
is recognised first and is never a claim.
"""

from __future__ import annotations

import re

from .models import ClaimDraft
from .numbers import EVENT_WORDS

#: A passage scoring at least this becomes a claim.
CLAIM_THRESHOLD = 0.45

# Page furniture that starts a line (matched at the start only: cheap).
_BOILERPLATE_START = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            r"share (this|on|via)\b",
            r"(share|tweet|email|print|copy link)$",
            r"follow\b.{0,60}\bon (google news|twitter|facebook|telegram|x)\b",
            r"and be the first to know",
            r"\d+\s*min(ute)?s?\s+read$",
            r"by\s+[\w.'’ -]{2,60}$",
            r"(https?://|www\.)\S+$",
            r"\S+\.(com|org|net|co\.uk|gr|ru|cn)$",
            r"(photo|image|picture|credit)s?\s*(:|by\b)",
            r"file\s+[-–—]\s",
            r"(all news|news|home|latest|related|advertisement|read more|see also)$",
            r"(subscribe|sign up|newsletter|cookie|all rights reserved|©)",
        )
    ),
    re.IGNORECASE,
)
# ... and anywhere in the line.
_BOILERPLATE_ANYWHERE = (
    "can also be accessed at the following alternate address",
    "news roku",
    "app store",
    "google play",
)
_PHOTO_CREDIT = re.compile(r"\((?:photo|image|picture)s?(?: by|:)[^)]*\)\s*$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


# Keyword sets, matched against the lower-cased words of a sentence: one
# tokenising pass is several times faster than a regex per signal.
_ATTRIBUTION_WORDS = frozenset(
    """said says say told tells stated states noted added announced claimed claims denied denies
    reported reports stressed affirmed confirmed warned urged accused accusing alleging insisted
    declared expressed briefed dismissed acknowledged cited""".split()
)
_ATTRIBUTION_PHRASES = ("according to", "called on")
_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
    hundred hundreds thousand thousands million millions billion billions dozen dozens first second
    third half percent""".split()
)
_DATE_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    yesterday today tomorrow tonight""".split()
)
_DATE_PHRASE = re.compile(r"\b(?:last|next) (?:week|month|year)\b")
_ORG_WORDS = frozenset(
    """ministry council nato un eu brics sco g20 apec department government kremlin agency parliament
    congress senate court bank party organization organisation tass reuters""".split()
)
_TOKEN = re.compile(r"[a-z0-9]+")
_MARKDOWN_HEADING = re.compile(r"#{1,6}(?:\s|$)")
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\b\d[\d,.]*\s?(?:[mb]n?|million|billion|trillion)?\s?"
    r"(?:dollars|euros|pounds|yuan|roubles|rubles|usd|eur|gbp)\b",
    re.IGNORECASE,
)
_PLEDGE_WORDS = frozenset(
    """pledged pledges promised promises vowed allocated granted donated committed earmarked approved
    budgeted raised""".split()
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_QUOTE_MARK = re.compile(r"[\"“”«»„]")
_SINGLE_QUOTED = re.compile(r"(?:^|\s)'[^']{8,}'")


# Capitalised words that start sentences without naming anyone.
COMMON_STARTERS = frozenset(
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
    if _BOILERPLATE_START.match(line) or _is_breadcrumb(line):
        return True
    lower = line.lower()
    return any(marker in lower for marker in _BOILERPLATE_ANYWHERE) or (
        line.endswith(")") and _PHOTO_CREDIT.search(line) is not None
    )


def _is_breadcrumb(line: str) -> bool:
    """Navigation such as ``News / China / Russia``: short parts between slashes."""
    parts = line.split("/")
    return len(parts) >= 2 and all(1 <= len(part.split()) <= 3 for part in parts) and len(line) < 80


# A run of capitalised words separated only by spaces: punctuation between
# two names ("Russia, China") ends the run. One C-level pass per sentence.
_NAME_RUN = re.compile(r"(?<![\w'’])[A-Z][\w'’-]*(?:[ \t\u00a0]+[A-Z][\w'’-]*)*")


def named_entities(text: str) -> list[str]:
    """Capitalised word runs that look like names (people, places, bodies)."""
    entities: list[str] = []
    for match in _NAME_RUN.finditer(text):
        words = match.group().split()
        if match.start() == len(text) - len(text.lstrip(" \"“«‘'(")) and words[0].lower() in COMMON_STARTERS:
            words = words[1:]  # "The", "According" opening a sentence name nobody
        words = [w for w in words if not (w.isupper() and len(w) > 6)]  # SHOUTED words
        if words:
            entities.append(" ".join(words))
    return entities


def score_passage(text: str) -> ClaimDraft:
    """Check-worthiness of one sentence: a score in [0, 1] and the reasons for it."""
    line = " ".join(text.split())
    words = line.split()
    if is_boilerplate(line):
        return ClaimDraft(0.0, ("boilerplate",))
    if _MARKDOWN_HEADING.match(line):
        return ClaimDraft(0.0, ("heading",))
    if len(words) < 5:
        return ClaimDraft(0.0, ("too short",))
    reasons: list[str] = []
    score = 0.0
    lower = line.lower()
    token_set = set(_TOKEN.findall(lower))
    if _DIGIT.search(line) or token_set & _NUMBER_WORDS:
        score += 0.35
        reasons.append("number or quantity")
        if _MONEY.search(line) or token_set & _PLEDGE_WORDS:
            score += 0.15
            reasons.append("amount of money or pledge")
        elif token_set & EVENT_WORDS:
            score += 0.15
            reasons.append("people killed, hurt, moved or held")
    entities = named_entities(line)
    if entities:
        orgs = token_set & _ORG_WORDS
        shown = ", ".join(dict.fromkeys(entities[:4]))
        score += 0.45 if len(set(entities)) >= 2 else 0.3
        kind = "named organisation or person" if orgs else "named person or organisation"
        reasons.append(f"{kind}: {shown}")
    if token_set & _ATTRIBUTION_WORDS or any(p in lower for p in _ATTRIBUTION_PHRASES):
        score += 0.25
        reasons.append("attribution")
    if _QUOTE_MARK.search(line) or ("'" in line and _SINGLE_QUOTED.search(line)):
        score += 0.2
        reasons.append("direct quote")
    if token_set & _DATE_WORDS or _YEAR.search(line) or _DATE_PHRASE.search(lower):
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
