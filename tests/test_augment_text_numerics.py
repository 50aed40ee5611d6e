"""EDA random insertion: linear cost in len(text) + n (counted, not timed), the same
distribution as inserting one word at a time, and argument checks that name the argument."""

import random
from collections import Counter
from itertools import combinations

import numpy as np
import pytest
from scipy.stats import chisquare

from course.augment.text import random_insertion, synonyms_of, token_dropout
from course.augment.text import word_edits as EDA


def lookups(monkeypatch, text, n):
    """How many synonym lookups random_insertion makes for (text, n)."""
    calls = []

    def counting(word, synonyms=None):
        calls.append(word)
        return synonyms_of(word, synonyms)

    monkeypatch.setattr(EDA, "synonyms_of", counting)
    out = random_insertion(text, n=n, seed=0)
    assert len(out.split()) == len(text.split()) + n
    return len(calls)


@pytest.mark.parametrize("text", ["good movie", "the food was good and the staff friendly"])
def test_work_grows_linearly_with_n(monkeypatch, text):
    # the old loop rebuilt the candidate pool from every word in each round: n * (len + n) lookups
    small, large = lookups(monkeypatch, text, 500), lookups(monkeypatch, text, 5000)
    assert large <= len(text.split()) + 5000
    assert large / small < 11  # a quadratic loop gives a ratio near 100


def test_originals_keep_their_order_and_inserts_are_synonyms():
    text = "the food was good and the staff friendly"
    out = random_insertion(text, n=50, seed=3).split()
    it = iter(out)
    assert all(word in it for word in text.split())  # original words form a subsequence
    extra = Counter(out) - Counter(text.split())
    reachable = {s for w in text.split() for s in synonyms_of(w)}
    reachable |= {t for s in reachable for t in synonyms_of(s)}
    assert sum(extra.values()) == 50 and set(extra) <= reachable


def test_insert_positions_are_uniform_over_interleavings():
    # Two inserts, each at a uniform slot, into 2 words: the 3 * 4 equally likely slot sequences
    # map two to one onto the C(4, 2) = 6 position pairs, so each pair has probability 1/6.
    pairs = list(combinations(range(4), 2))
    counts = Counter()
    rng = np.random.default_rng(0)
    for _ in range(3000):
        words = random_insertion("good movie", n=2, seed=rng).split()
        slots = tuple(i for i, w in enumerate(words) if w not in ("good", "movie"))
        if len(slots) == 2:  # skip draws whose second insert is "good" (a synonym of "fine")
            counts[slots] += 1
    observed = [counts[p] for p in pairs]
    assert sum(observed) > 2500  # words are independent of positions, so skipping keeps 1/6
    assert chisquare(observed).pvalue > 1e-3


def test_no_candidates_means_no_change():
    assert random_insertion("the of and", n=10_000, seed=0) == "the of and"


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda: random_insertion("good movie", n=-1), ValueError, "n must be"),
        (lambda: random_insertion("good movie", n=2.5), TypeError, "n must be an int"),
        (lambda: random_insertion("good movie", seed=-3), ValueError, "seed must be"),
        (lambda: random_insertion("good movie", seed=1.5), TypeError, "seed must be an int"),
        (
            lambda: random_insertion("good movie", synonyms=["good"]),
            TypeError,
            "synonyms must be None or a mapping",
        ),
        (lambda: token_dropout("good movie", mask_token=0), TypeError, "mask_token must be a str"),
    ],
)
def test_bad_arguments_name_themselves(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_random_random_seeds_still_repeat():
    assert random_insertion("good movie", n=5, seed=random.Random(1)) == random_insertion(
        "good movie", n=5, seed=random.Random(1)
    )
