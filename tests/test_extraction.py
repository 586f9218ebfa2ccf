"""Check-worthiness on the seeds, tested in both directions with named sentences."""

import pytest

from workbench.extraction import claim_for, is_boilerplate, named_entities, score_passage
from workbench.storage import corpus

CHECK_WORTHY = [
    "NATO has been accusing Moscow of planning to invade Ukraine, alleging that the Kremlin has amassed"
    " 100,000 soldiers along Ukraine's borders.",
    "Ukraine says Russia has deployed 115,000 troops near its borders, raising fears of a looming attack.",
    "China affirmed its support for Russia's position on the indivisibility of security, Wang Yi told his"
    " Russian counterpart.",
    "China has a 76-kilometer-long border with Afghanistan at a very high altitude.",
    "Since February 24, Beijing has refused to condemn the invasion of Ukraine.",
    "Sergei Lavrov is scheduled to attend a two-day meeting in China on Afghanistan, during which he will"
    " meet with a US diplomat.",
    "Wang will meet with Russian Foreign Minister Sergei Lavrov on Wednesday.",
    "Chinese Foreign Ministry spokesman Wang Wenbin on Monday dismissed claims by the United States that"
    " China was considering arming Russia in its war with Ukraine.",
]

BOILERPLATE = [
    "Share This Article",
    "SHARE THIS ARTICLE",
    "2 Min Read",
    "By Dénes Albert",
    "All news",
    "Follow Skai.gr on Google News",
    "and be the first to know all the news",
    "News   /   China   /   Russia",
    "www.presstv.co.uk",
    "Press TV News Roku",
    "Press TV’s website can also be accessed at the following alternate addresses:",
    "Chinese Foreign Minister Wang Yi (R) and Russian Foreign Minister Sergey Lavrov meet ahead of a G20"
    " event in Bali in July, 2022. (Photo by EPA)",
    "FILE - Russian President Vladimir Putin, right, reviews a military honour guard with Chinese"
    " President Xi Jinping during a welcome ceremony outside the Great Hall of the People in Beijing.",
]


@pytest.mark.parametrize("sentence", CHECK_WORTHY)
def test_check_worthy_seed_sentences_become_claims(sentence, seed_db):
    assert claim_for(sentence) is not None
    stored = {" ".join(c.text.split()) for c in corpus.iter_claims(seed_db)}
    assert sentence in stored


@pytest.mark.parametrize("line", BOILERPLATE)
def test_boilerplate_is_never_a_claim(line, seed_db):
    assert is_boilerplate(line)
    assert claim_for(line) is None
    assert not any(line in c.text for c in corpus.iter_claims(seed_db))


def test_reasons_name_what_makes_a_sentence_check_worthy():
    draft = score_passage(
        '"We highly appreciate the stance of our Chinese friends," Lavrov said on Monday'
        " at a meeting with 300 delegates."
    )
    text = "; ".join(draft.reasons)
    for reason in ("number or quantity", "Lavrov", "attribution", "direct quote", "date or weekday"):
        assert reason in text


def test_headings_and_plain_statements_are_not_claims():
    assert claim_for("Constructive approach") is None
    assert claim_for("Afghanistan on the menu") is None
    assert claim_for("It was a long day for everyone involved in it.") is None


def test_most_seed_sentences_are_claims(seed_db):
    stats = corpus.stats(seed_db)
    assert stats["claims"] / stats["passages"] > 0.7


def test_named_entities_split_on_punctuation():
    assert named_entities("Russia, China discuss Ukraine, Afghanistan") == [
        "Russia",
        "China",
        "Ukraine",
        "Afghanistan",
    ]
