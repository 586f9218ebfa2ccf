"""schema.org ``ClaimReview`` JSON-LD: one object per reviewed claim, in a JSON array.

Shape (what Google's Fact Check markup expects)::

    {"@context": "https://schema.org", "@type": "ClaimReview",
     "url": "<base-url>/claim-<id>",          # when --base-url is given
     "claimReviewed": "<claim text>",
     "datePublished": "YYYY-MM-DD",            # day of the verdict
     "author": {"@type": "Organization", "name": "<--org>"},
     "reviewRating": {"@type": "Rating", "ratingValue": 1-3, "worstRating": 1,
                      "bestRating": 3, "alternateName": "Sourced"},
     "itemReviewed": {"@type": "Claim",
                      "author": {"@type": "Organization", "name": "<document source>"},
                      "datePublished": "<document date>",
                      "appearance": {"@type": "CreativeWork", "url": ..., "headline": ...,
                                     "author": {...}}}}

Rating scale (``ratingValue``; ``alternateName`` is the verdict; ``worstRating`` and
``bestRating`` are the lowest and highest ratings of the verdict registry):

====  ===========  ===============================================
 3    Sourced      a linked source supports the claim
 2    Unsupported  nothing in the corpus backs the claim (unproven)
 1    Contested    sources contradict the claim
====  ===========  ===============================================

``url``: ``--base-url`` either contains ``{id}`` (replaced by the claim id) or
gets ``/claim-<id>`` appended. Unreviewed claims and claims dismissed as not
check-worthy are left out (the export warns how many were dismissed). ``reviewBody``
carries the reviewer's note when there is one.

``author``: the organisation (``--org``, ``WORKBENCH_ORG`` or ``org`` under
``[reports]`` in config.toml); without one, the claim's reviewer as a
schema.org ``Person`` (Google requires an author).

Safe to paste into a page: ``<``, ``>`` and ``&`` are written as ``\\u003c``,
``\\u003e``, ``\\u0026`` (so a claim holding ``</script>`` cannot close the
``<script type="application/ld+json">`` tag), controls and bidi characters as
``\\uXXXX``, and only ``http(s)`` document URLs reach ``appearance.url``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..models import VERDICT_SPECS
from .model import Report, ReportClaim
from .safe_json import dumps

RATING: dict[str, tuple[int, str]] = {v.name: (v.claimreview_rating, v.label) for v in VERDICT_SPECS}
#: The ends of the rating scale, from the registry (a new verdict may widen it).
WORST, BEST = min(r for r, _ in RATING.values()), max(r for r, _ in RATING.values())

MISSING_URL_WARNING = (
    "ClaimReview: no url for the reviews (Google's Fact Check markup requires one); "
    "add --base-url https://your.site/checks/ (or a URL with {id}) to give each claim its page"
)
MISSING_ORG_WARNING = (
    'ClaimReview: no reviewing organisation, so each review\'s "author" is its reviewer (a Person);'
    " add --org NAME (or set WORKBENCH_ORG, or org under [reports] in config.toml) to name the organisation"
)


def claim_url(base_url: str, claim_id: int) -> str:
    if "{id}" in base_url:
        return base_url.replace("{id}", str(claim_id))
    return f"{base_url.rstrip('/')}/claim-{claim_id}"


def _org(name: str) -> dict:
    return {"@type": "Organization", "name": name}


def _person(name: str) -> dict:
    return {"@type": "Person", "name": name}


def review(c: ReportClaim, *, org: str | None = None, base_url: str | None = None) -> dict:
    value, word = RATING[c.verdict or ""]
    doc = c.document
    appearance: dict = {"@type": "CreativeWork", "headline": doc.title or doc.name}
    if doc.url:
        appearance["url"] = doc.url
    if doc.published:
        appearance["datePublished"] = doc.published
    claim: dict = {"@type": "Claim", "appearance": appearance}
    if doc.source:
        claim["author"] = _org(doc.source)
        appearance["author"] = _org(doc.source)
    if doc.published:
        claim["datePublished"] = doc.published
    out: dict = {"@context": "https://schema.org", "@type": "ClaimReview"}
    if base_url:
        out["url"] = claim_url(base_url, c.id)
    out["claimReviewed"] = c.text
    if c.updated_at:
        out["datePublished"] = c.updated_at[:10]
    if org:
        out["author"] = _org(org)
    elif c.reviewer:
        out["author"] = _person(c.reviewer)
    out["reviewRating"] = {
        "@type": "Rating",
        "ratingValue": value,
        "worstRating": WORST,
        "bestRating": BEST,
        "alternateName": word,
    }
    out["itemReviewed"] = claim
    if c.note:
        out["reviewBody"] = c.note
    return out


def warnings(*, org: str | None, base_url: str | None) -> list[str]:
    return [w for w, ok in ((MISSING_URL_WARNING, base_url), (MISSING_ORG_WARNING, org)) if not ok]


def render(report: Report, *, org: str | None = None, base_url: str | None = None) -> Iterator[str]:
    yield "["
    first = True
    for c in report.claims:
        if c.verdict is None or c.dismissed_at is not None:
            continue
        text = dumps(review(c, org=org, base_url=base_url), script=True, indent=2)
        yield ("\n" if first else ",\n") + text
        first = False
    yield "\n]\n" if not first else "]\n"
