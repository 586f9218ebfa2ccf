"""Claim clusters: which claims state the same thing, so one verdict can cover them.

Two claims *pair* when they state the same facts both ways: the same sentence
(up to case, quotes and punctuation), or the same content words up to spelling
("favour"/"favor", "US"/"United States"), word order, the attribution verb and at
most two extra words, with as many negations ("not", "refused", "denies") each,
every figure, name and time of each stated by the other, most of what each says
happened stated by the other, and no disagreement either way in the judgement
(``judgement.stance``: another figure, actor, weekday, the opposite action). A
changed word is never a paraphrase here: "backed"/"opposed", "week"/"month",
"Tokyo"/"Beijing" keep claims apart. Related claims that say different things
never pair: a cluster is what one verdict can honestly cover. (Known gap: the same
words with the roles swapped, "Russia backed China" / "China backed Russia", pair.)

Clusters are complete-linkage: every member pairs with every other member, so
chains (A~B, B~C, A≁C) cannot grow a group, and a disagreement between two
look-alike claims keeps them in separate clusters (recorded, so a screen can show
it). A reviewer's corrections (take a claim out, join two clusters) are applied
on top of the computed grouping, every time it is computed.

The pure part (``same_claim``, ``cluster``, ``assign``) works on plain texts;
``recluster``, ``cluster_new`` and ``seen_before`` read and write the database
through ``storage.clusters``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from .facts import ATTRIBUTION, FILLER, STOPWORDS, stem, words
from .judgement import stance
from .models import HistoryEntry
from .storage import clusters as store
from .storage import review, search, write
from .storage.clusters import ClaimRef, Overrides

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = [
    "ClaimRef",
    "Cluster",
    "Clustering",
    "Overrides",
    "PairCheck",
    "SeenBefore",
    "assign",
    "cluster",
    "cluster_new",
    "recluster",
    "same_claim",
    "seen_before",
]

#: Pairs must share at least this Jaccard share of their content words (stems, attribution
#: and filler words left out). Also the bound the candidate search guarantees: no pair
#: above it is missed (prefix filtering). Pairs the rule below accepts share far more (at
#: most two extra words, no other word changed: >= 0.78 on the labelled set); the bound
#: decides how many candidates are judged (0.5 -> 0.7: a third of the time at 30k).
MIN_SHARED = 0.7
#: ... and each must state at least this share of the other's action words.
MIN_ACTION = 0.6
#: Fact kinds every one of which must be stated by the other claim.
HARD_KINDS = ("figure", "name", "time")
#: Words of a claim looked up in the index for the incremental and seen-before searches.
SEARCH_WORDS = 5


@dataclass(frozen=True)
class PairCheck:
    same: bool
    reason: str  # "same sentence", "same facts", "disagrees: number-mismatch", "only one states: Thursday"
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cluster:
    id: int  # the smallest claim id in it: stable when later claims join
    representative: int  # highest check-worthiness, then earliest
    members: tuple[int, ...]  # claim ids, ascending


@dataclass
class Clustering:
    clusters: list[Cluster]
    #: Look-alike claims (candidate pairs) the judgement found disagreeing, with its flags.
    disagreements: list[tuple[int, int, tuple[str, ...]]] = field(default_factory=list)

    def cluster_of(self) -> dict[int, int]:
        return {m: c.id for c in self.clusters for m in c.members}


# --- pairing ------------------------------------------------------------------

_PUNCT = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """The sentence as compared for "same sentence": case, quotes, dashes and punctuation dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_PUNCT.sub(" ", text).split())


_NOISE = STOPWORDS | ATTRIBUTION | FILLER


@lru_cache(maxsize=262144)
def keys(text: str) -> frozenset[str]:
    """Content stems: what the claim talks about (stop, attribution and filler words left out)."""
    return frozenset(_key(w) for _, _, w in words(canonical(text)) if w.lower() not in _NOISE)


_KEY_CACHE: dict[str, str] = {}


def _key(word: str) -> str:
    """A word's stem (irregular forms to their base), cached: clustering 100k claims stems
    millions of words, more distinct ones than the stemmer's own cache holds."""
    found = _KEY_CACHE.get(word)
    if found is None:
        found = _FORMS.get(word.lower()) or stem(word)
        if len(_KEY_CACHE) < 1_000_000:
            _KEY_CACHE[word] = found
    return found


def shared(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


#: Words one claim may have that the other lacks (both ways together): "reportedly", "also
#: said", a third name form. More, and one says something the other does not.
MAX_EXTRA_WORDS = 2
#: Two differing words are one word spelled two ways ("favour"/"favor", "Anui"/"Anhui")
#: at this rapidfuzz ratio or above (same first letter, 4+ letters).
SPELLING_RATIO = 80
#: Irregular forms the stemmer leaves apart.
_FORMS = {
    "saw": "see",
    "seen": "see",
    "met": "meet",
    "sent": "send",
    "took": "take",
    "taken": "take",
    "held": "hold",
    "told": "tell",
    "gave": "give",
    "given": "give",
    "made": "make",
    "went": "go",
    "gone": "go",
    "began": "begin",
    "begun": "begin",
    "won": "win",
    "lost": "lose",
    "led": "lead",
    "spoke": "speak",
    "spoken": "speak",
    "knew": "know",
    "known": "know",
    "rose": "rise",
    "risen": "rise",
    "fell": "fall",
    "fallen": "fall",
    "stood": "stand",
    "brought": "bring",
    "bought": "buy",
    "sought": "seek",
    "thought": "think",
    "kept": "keep",
    "left": "leave",
    "paid": "pay",
    "struck": "strike",
    "fought": "fight",
    "drew": "draw",
    "drawn": "draw",
}
#: One name written two ways, made one before comparing (both sides alike).
_ALIASES = [
    (re.compile(p), r)
    for p, r in [
        (r"\bthe United States of America\b", "the US"),
        (r"\bUnited States\b", "US"),
        (r"\bU\.S\.(?=\W|$)", "US"),
        (r"\bU\.S\.A\.", "US"),
        (r"\bUnited Nations\b", "UN"),
        (r"\bUnited Kingdom\b", "UK"),
        (r"\bU\.K\.(?=\W|$)", "UK"),
        (r"\bEuropean Union\b", "EU"),
        (r"\b([Cc]o)-(?=[a-z])", r"\1"),
        (r"[\u00a0\u2009\u202f]", " "),
    ]
]
#: Words that deny or negate what follows: a different count of them says the opposite.
_NEGATION = re.compile(
    r"\b(?:not|never|no|none|nobody|nothing|neither|nor|without|cannot|refus\w*|fail\w*"
    r"|den(?:y|ies|ied|ying)|n't)\b|n['’]t\b",
    re.IGNORECASE,
)


_ATTRIBUTION_STEMS = frozenset(stem(w) for w in ATTRIBUTION)
_ANY_ALIAS = re.compile("|".join(p.pattern for p, _ in _ALIASES))


def canonical(text: str) -> str:
    """Names written two ways made one ("United States"/"US"), hyphenated "co-" joined."""
    if not _ANY_ALIAS.search(text):
        return text
    for pattern, replacement in _ALIASES:
        text = pattern.sub(replacement, text)
    return text


def negations(text: str) -> int:
    return len(_NEGATION.findall(text))


@lru_cache(maxsize=65536)
def _word_keys(text: str) -> frozenset[str]:
    """Content stems for comparing wordings. Attribution verbs count as one word ("said",
    "told", "stated" are interchangeable) numbered by occurrence, so "affirmed" turned into
    another verb is a changed word, not a dropped one."""
    out: set[str] = set()
    said = 0
    for _, _, w in words(canonical(text)):
        lower = w.lower()
        if lower in ATTRIBUTION or _key(w) in _ATTRIBUTION_STEMS:
            said += 1
            out.add(f"<said{said}>")
        elif lower not in _NOISE:
            out.add(_key(w))
    return frozenset(out)


def _unmatched(a: frozenset[str], b: frozenset[str]) -> tuple[list[str], list[str]]:
    """Words only one side has, spelling variants of each other's words left out."""
    only_a, only_b = sorted(a - b), sorted(b - a)
    for x in list(only_a):
        twin = next(
            (
                y
                for y in only_b
                if len(x) >= 4
                and len(y) >= 4
                and x[0] == y[0]
                and x.isalpha()
                and y.isalpha()
                and fuzz.ratio(x, y) >= SPELLING_RATIO
            ),
            None,
        )
        if twin:
            only_a.remove(x)
            only_b.remove(twin)
    return only_a, only_b


def same_claim(a: str, b: str) -> PairCheck:
    """Do ``a`` and ``b`` state the same thing (symmetric)?"""
    if normalise(a) == normalise(b):
        return PairCheck(True, "same sentence")
    if shared(keys(a), keys(b)) < MIN_SHARED:
        return PairCheck(False, "few shared words")
    return _judged(a, b) if a <= b else _judged(b, a)


def _flags(a: str, b: str) -> tuple[str, ...]:
    """The judgement's disagreement flags either way. Its negation flag is left out: negation is
    compared by count (``negations``), as the judgement's word-window test flags a "not" that
    moved by one word in a reworded sentence."""
    forward, backward = stance(a, b), stance(b, a)
    return tuple(f for f in dict.fromkeys(forward.flags + backward.flags) if f != "negation-mismatch")


@lru_cache(maxsize=16384)
def _judged(a: str, b: str) -> PairCheck:
    a, b = canonical(a), canonical(b)
    only_a, only_b = _unmatched(_word_keys(a), _word_keys(b))
    apart = None
    if negations(a) != negations(b):
        apart = "one denies or negates what the other says"
    elif only_a and only_b:
        apart = "different words: " + " ".join(only_a) + " / " + " ".join(only_b)
    elif len(only_a) + len(only_b) > MAX_EXTRA_WORDS:
        apart = "one says more: " + " ".join(only_a + only_b)
    if apart:
        # Apart either way; the judgement says whether they disagree (shown as a contradiction).
        flags = _flags(a, b) + (("negation-mismatch",) if apart.startswith("one denies") else ())
        return PairCheck(False, apart, flags)
    if all(w.startswith("<said") for w in only_a + only_b):
        # The same words (spelling aside), in any order: no figure, name, time or action word
        # can differ, and the judgement below would only confirm it (it costs ~5 ms a pair).
        return PairCheck(True, "same words")
    flags = _flags(a, b)
    if flags:
        return PairCheck(False, "disagrees: " + ", ".join(flags), flags)
    for judgement in (stance(a, b), stance(b, a)):
        unstated = [
            ch.fact.label for ch in judgement.checks if ch.fact.kind in HARD_KINDS and ch.status != "stated"
        ]
        if unstated:
            return PairCheck(False, "only one states: " + " · ".join(unstated))
        action_words = sum(len(ch.fact.keys) for ch in judgement.checks if ch.fact.kind == "action")
        stated = sum(
            len(ch.fact.keys) for ch in judgement.checks if ch.fact.kind == "action" and ch.status == "stated"
        )
        if action_words and stated / action_words < MIN_ACTION:
            return PairCheck(False, "says something else happened")
    return PairCheck(True, "same facts")


# --- clustering ---------------------------------------------------------------


def _rep_order(c: ClaimRef) -> tuple[float, int]:
    return (-c.score, c.id)


def _cluster_of_refs(refs: Sequence[ClaimRef]) -> Cluster:
    ids = tuple(sorted(r.id for r in refs))
    return Cluster(ids[0], min(refs, key=_rep_order).id, ids)


def candidate_pairs(texts: Sequence[str], threshold: float = MIN_SHARED) -> Iterable[tuple[int, int]]:
    """Index pairs (i < j) of ``texts`` whose content words share at least ``threshold`` (Jaccard).

    PPJoin: with each text's words ordered rarest first, two sets with Jaccard >= t share a
    word among the first ``n - ceil(t*n) + 1`` of each; only those prefixes are probed (and
    shorter ones indexed, records arriving by size), a size filter drops pairs that cannot
    reach t, and a positional filter drops a candidate as soon as the words left after a
    match cannot make up the overlap t needs. Exact: every pair at or above the threshold is
    returned, and only those, so common words never make long candidate lists.
    """
    sets = [keys(t) for t in texts]
    df: dict[str, int] = defaultdict(int)
    for s in sets:
        for k in s:
            df[k] += 1
    rank = {k: i for i, k in enumerate(sorted(df, key=lambda k: (df[k], k)))}
    ordered = [sorted(rank[k] for k in s) for s in sets]
    sizes = [len(o) for o in ordered]
    index: dict[int, list[tuple[int, int]]] = defaultdict(list)
    share = threshold / (1 + threshold)
    for i in sorted(range(len(texts)), key=sizes.__getitem__):
        toks = ordered[i]
        n = sizes[i]
        if not n:
            continue
        min_size = threshold * n
        counts: dict[int, int] = {}
        for pos, t in enumerate(toks[: n - math.ceil(threshold * n) + 1]):
            for j, pos_j in index.get(t, ()):
                c = counts.get(j, 0)
                if c < 0:
                    continue  # already ruled out
                size_j = sizes[j]
                if size_j < min_size:
                    counts[j] = -1
                    continue
                needed = math.ceil(share * (n + size_j))
                if c + 1 + min(n - pos - 1, size_j - pos_j - 1) >= needed:
                    counts[j] = c + 1
                else:
                    counts[j] = -1
        for j, c in counts.items():
            if c > 0 and shared(sets[i], sets[j]) >= threshold:
                yield (min(i, j), max(i, j))
        # A later (no smaller) record meets this one at Jaccard >= t only with an overlap of
        # at least 2t/(1+t)*n of our words: a shorter prefix of ours suffices in the index.
        for pos, t in enumerate(toks[: n - math.ceil(2 * share * n) + 1]):
            index[t].append((i, pos))


def cluster(claims: Sequence[ClaimRef], overrides: Overrides | None = None) -> Clustering:
    """Group ``claims`` by what they state (see the module doc); every claim is in one cluster."""
    overrides = overrides or Overrides()
    kept = [c for c in claims if c.id not in overrides.out]
    # Identical sentences (up to case and punctuation) are one unit: pairing them is free.
    units: dict[str, list[ClaimRef]] = defaultdict(list)
    for c in kept:
        units[normalise(c.text)].append(c)
    unit_list = list(units.values())
    texts = [u[0].text for u in unit_list]
    edges: dict[int, set[int]] = defaultdict(set)
    disagreements: list[tuple[int, int, tuple[str, ...]]] = []
    for i, j in candidate_pairs(texts):
        check = same_claim(texts[i], texts[j])
        if check.same:
            edges[i].add(j)
            edges[j].add(i)
        elif check.flags:
            disagreements.append((unit_list[i][0].id, unit_list[j][0].id, check.flags))
    groups: list[list[ClaimRef]] = []
    for component in _components(len(unit_list), edges):
        for part in _complete_linkage(component, unit_list, edges):
            groups.append([c for u in part for c in unit_list[u]])
    groups += [[c] for c in claims if c.id in overrides.out]
    clusters = _apply_joins([_cluster_of_refs(g) for g in groups], {c.id: c for c in claims}, overrides)
    return Clustering(sorted(clusters, key=lambda c: c.id), disagreements)


def _components(n: int, edges: dict[int, set[int]]) -> list[list[int]]:
    seen = [False] * n
    out = []
    for start in range(n):
        if seen[start]:
            continue
        seen[start] = True
        stack, comp = [start], []
        while stack:
            u = stack.pop()
            comp.append(u)
            for v in edges.get(u, ()):
                if not seen[v]:
                    seen[v] = True
                    stack.append(v)
        out.append(comp)
    return out


def _complete_linkage(
    component: list[int], units: list[list[ClaimRef]], edges: dict[int, set[int]]
) -> list[list[int]]:
    """Split a connected component so every unit pairs with every other unit of its part:
    units in representative order (most check-worthy first) join the first part they
    pair with entirely, else start one."""
    if len(component) == 1:
        return [component]
    order = sorted(component, key=lambda u: min(_rep_order(c) for c in units[u]))
    parts: list[list[int]] = []
    for u in order:
        for part in parts:
            if all(v in edges[u] for v in part):
                part.append(u)
                break
        else:
            parts.append([u])
    return parts


def _apply_joins(clusters: list[Cluster], refs: dict[int, ClaimRef], overrides: Overrides) -> list[Cluster]:
    if not overrides.joins:
        return clusters
    parent = {c.id: c.id for c in clusters}
    of = {m: c.id for c in clusters for m in c.members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in overrides.joins:
        if a in of and b in of:
            ra, rb = find(of[a]), find(of[b])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    merged: dict[int, list[ClaimRef]] = defaultdict(list)
    for c in clusters:
        merged[find(c.id)] += [refs[m] for m in c.members]
    return [_cluster_of_refs(g) for g in merged.values()]


def assign(claim: ClaimRef, clusters: Sequence[Sequence[ClaimRef]]) -> int | None:
    """The index of the first of ``clusters`` (most check-worthy representative first) whose
    every member pairs with ``claim``, or None: the incremental step of complete linkage."""
    order = sorted(range(len(clusters)), key=lambda i: min(_rep_order(c) for c in clusters[i]))
    for i in order:
        members = clusters[i]
        if members and all(same_claim(claim.text, m.text).same for m in members):
            return i
    return None


# --- database -----------------------------------------------------------------


def recluster(db: Database) -> Clustering:
    """Cluster every claim again, re-applying the stored overrides, and store the result."""
    result = cluster(store.claim_refs(db), store.overrides(db))
    store.save(db, [(c.id, c.members) for c in result.clusters], result.disagreements)
    return result


def cluster_new(db: Database, claim_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Place newly ingested claims (default: every claim not clustered yet) into the stored
    clusters without recomputing the rest. Returns claim id -> cluster id."""
    ids = sorted(set(claim_ids) if claim_ids is not None else store.unclustered_ids(db))
    if not ids:
        return {}
    overrides = store.overrides(db)
    placed: dict[int, int] = {}
    with write(db):  # one transaction (one fsync) for the batch, not one per claim
        for ref in store.claim_refs(db, ids):
            placed[ref.id] = _place_new(db, ref, overrides)
    return placed


def _place_new(db: Database, ref: ClaimRef, overrides: Overrides) -> int:
    target = None
    if ref.id not in overrides.out:
        nearby = store.cluster_members(
            db, store.similar_claim_cluster_ids(db, ref, search_words(db, ref.text))
        )
        options = [(cid, [m for m in members if m.id != ref.id]) for cid, members in nearby.items()]
        options = [(cid, members) for cid, members in options if members]
        at = assign(ref, [members for _, members in options])
        if at is not None:
            target = options[at][0]
        store.add_disagreements(
            db,
            [
                (ref.id, m.id, check.flags)
                for _, members in options
                for m in members
                if (check := same_claim(ref.text, m.text)).flags
            ],
        )
    placed = store.place(db, ref.id, target)
    for a, b in overrides.joins:
        if ref.id in (a, b):
            placed = store.join_stored(db, a, b)
    return placed


def search_words(db: Database, text: str) -> list[str]:
    """The claim's rarest content words in the passage index (what the FTS search looks for)."""

    ws = sorted({w for w in normalise(text).split() if w not in _NOISE and (len(w) > 1 or w.isdigit())})
    if not ws:
        return []
    stem_of = search.stems(db, ws)
    df = search.doc_freqs(db, set(stem_of.values()))
    return sorted(stem_of, key=lambda w: (df.get(stem_of[w], 0) or 10**12, w))[:SEARCH_WORDS]


@dataclass(frozen=True)
class SeenBefore:
    """An earlier decision on a claim that states the same thing: a suggestion, never applied."""

    claim_id: int  # the new claim
    matched_claim_id: int  # the decided claim
    status: str
    date: str  # YYYY-MM-DD of the decision
    reviewer: str | None
    links: int  # evidence links of the decided claim
    matched_text: str = ""

    def summary(self) -> str:
        who = f" by {self.reviewer}" if self.reviewer else ""
        links = f"{self.links} link" + ("" if self.links == 1 else "s")
        return f"{self.status} on {self.date}{who} — {links}"


def seen_before(db: Database, claim_id: int) -> SeenBefore | None:
    """The latest decision on another claim that pairs with ``claim_id``, if any."""
    refs = store.claim_refs(db, [claim_id])
    if not refs:
        return None
    ref = refs[0]
    matches = [
        store.decision(db, d.id)
        for d in store.decided_candidates(db, search_words(db, ref.text))
        if d.id != claim_id and same_claim(ref.text, d.text).same
    ]
    matches = [m for m in matches if m is not None]
    if not matches:
        return None
    best = max(matches, key=lambda d: (d.decided_at, d.claim.id))
    return SeenBefore(
        claim_id, best.claim.id, best.status, best.decided_at[:10], best.reviewer, best.links, best.claim.text
    )


def seen_before_all(db: Database) -> list[SeenBefore]:
    """Suggestions for every claim without a decision."""
    out = []
    for claim_id in store.undecided_ids(db):
        found = seen_before(db, claim_id)
        if found:
            out.append(found)
    return out


# --- one decision for a cluster -----------------------------------------------


@dataclass(frozen=True)
class GroupAction:
    """A verdict (and links) applied to every member of a cluster: one history row per change."""

    cluster_id: int
    claim_ids: tuple[int, ...]
    entries: tuple[HistoryEntry, ...]


class GroupUndoError(Exception):
    """The newest changes of the session are not this group action's (something came after it)."""


def cluster_claim_ids(db: Database, claim_id: int) -> tuple[int, ...]:
    """The members of ``claim_id``'s stored cluster (just the claim when never clustered)."""
    found = store.cluster_for_claim(db, claim_id)
    return tuple(m.id for m in found.members) if found else (claim_id,)


def apply_to_cluster(
    db: Database,
    claim_id: int,
    status: str | None,
    *,
    links: Sequence[tuple[int, str | None]] = (),
    reviewer: str | None = None,
    session_id: int | None = None,
) -> GroupAction:
    """Set ``status`` and the ``links`` (passage id, relation) on every member of ``claim_id``'s
    cluster in one transaction. Each member gets its own history rows; members already in that
    state get none. A link to a member's own passage is left out (a sentence is no evidence for
    itself)."""
    members = cluster_claim_ids(db, claim_id)
    entries: list[HistoryEntry] = []
    with write(db):
        own = store.claim_passages(db, members)
        for member in members:
            entry = review.set_status(db, member, status, reviewer=reviewer, session_id=session_id)
            if entry:
                entries.append(entry)
            for passage_id, relation in links:
                if own.get(member) == passage_id:
                    continue
                entry = review.set_link(
                    db, member, passage_id, relation, reviewer=reviewer, session_id=session_id
                )
                if entry:
                    entries.append(entry)
    cid = store.cluster_id(db, claim_id) or claim_id
    return GroupAction(cid, members, tuple(entries))


def undo_group(db: Database, action: GroupAction, session_id: int, *, reviewer: str | None = None) -> int:
    """Undo every change of ``action`` (the session's newest changes) in one transaction; returns
    how many rows were undone. Raises GroupUndoError, changing nothing, when a later change of
    the session would be undone instead."""
    wanted = {e.id for e in action.entries}
    with write(db):
        for _ in action.entries:
            undone = review.undo_last(db, session_id, reviewer=reviewer)
            if undone is None or undone.undoes not in wanted:
                raise GroupUndoError("the session's newest changes are not this group action's")
    return len(action.entries)
