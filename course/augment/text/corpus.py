"""A small labelled sentiment corpus that works offline: short reviews (movies, restaurants,
hotels, phones, books) generated from a seeded grammar, stored in ``data/reviews.tsv``.

No installed package ships a labelled text corpus and nothing may be downloaded here, so
``scripts/make_text_corpus.py`` writes this grammar's output to ``data/``; `load_reviews` reads
that file and falls back to the same grammar when the package is installed without ``data/``
(on Colab). The corpus is synthetic: it has realistic lexical variety (rare words follow a Zipf
law, negation, contrast clauses and neutral filler) but its sentiment words overlap with the
embedded synonym list, so EDA gains measured on it illustrate the method rather than prove it.
"""

import os
from pathlib import Path

import numpy as np

from course import artifacts
from course.validation import check_number

CORPUS_FILE = "reviews.tsv"  # a course.artifacts file, written by scripts/make_text_corpus.py
CLASS_NAMES = ("negative", "positive")

DOMAINS = {
    "movie": (
        ("movie", "film"),
        (
            "plot",
            "acting",
            "soundtrack",
            "ending",
            "dialogue",
            "cast",
            "pacing",
            "visuals",
            "script",
            "lead actor",
        ),
    ),
    "restaurant": (
        ("restaurant", "place"),
        (
            "food",
            "service",
            "waiter",
            "dessert",
            "portions",
            "atmosphere",
            "menu",
            "coffee",
            "staff",
            "pasta",
        ),
    ),
    "hotel": (
        ("hotel", "stay"),
        (
            "room",
            "staff",
            "bed",
            "breakfast",
            "location",
            "pool",
            "view",
            "bathroom",
            "reception",
            "wifi",
        ),
    ),
    "phone": (
        ("phone", "device"),
        (
            "battery",
            "screen",
            "camera",
            "speaker",
            "charger",
            "software",
            "case",
            "keyboard",
            "display",
            "microphone",
        ),
    ),
    "book": (
        ("book", "novel"),
        (
            "characters",
            "writing",
            "plot",
            "ending",
            "chapters",
            "prose",
            "story",
            "dialogue",
            "cover",
            "translation",
        ),
    ),
}
ADJECTIVES = {
    1: (
        "good",
        "great",
        "excellent",
        "wonderful",
        "lovely",
        "amazing",
        "fantastic",
        "superb",
        "nice",
        "brilliant",
        "pleasant",
        "outstanding",
        "enjoyable",
        "impressive",
        "delightful",
        "terrific",
        "solid",
        "charming",
        "memorable",
        "engaging",
        "flawless",
        "stunning",
        "reliable",
        "friendly",
        "perfect",
        "remarkable",
        "gripping",
        "splendid",
        "marvelous",
        "exceptional",
        "first-rate",
        "praiseworthy",
    ),
    0: (
        "bad",
        "terrible",
        "awful",
        "poor",
        "boring",
        "disappointing",
        "horrible",
        "dull",
        "mediocre",
        "annoying",
        "weak",
        "dreadful",
        "bland",
        "tedious",
        "lousy",
        "frustrating",
        "forgettable",
        "flimsy",
        "rude",
        "sloppy",
        "useless",
        "atrocious",
        "abysmal",
        "clumsy",
        "dismal",
        "shoddy",
        "tiresome",
        "subpar",
        "unbearable",
        "lackluster",
        "pathetic",
        "second-rate",
    ),
}
ADVERBS = (
    "",
    "",
    "",
    "very",
    "really",
    "quite",
    "truly",
    "extremely",
    "pretty",
    "rather",
    "absolutely",
    "incredibly",
    "so",
    "surprisingly",
    "genuinely",
)
VERBS = {
    1: ("loved", "enjoyed", "liked", "adored", "appreciated", "recommend", "treasured"),
    0: ("hated", "disliked", "regret", "detested", "loathed", "resented", "despised"),
}
CLOSINGS = {
    1: (
        "highly recommended",
        "five stars",
        "worth every penny",
        "would come back again",
        "i will tell my friends",
        "a real pleasure",
        "can not wait to return",
        "money well spent",
    ),
    0: (
        "never again",
        "avoid it",
        "one star",
        "a waste of money",
        "would not recommend it",
        "i want a refund",
        "stay away",
        "what a letdown",
    ),
}
FILLERS = (
    "we went there on a {day}",
    "i got it last {month}",
    "my {person} suggested it",
    "we tried it during a trip to {city}",
    "i read the reviews first",
    "this was my second time",
    "i had heard a lot about it",
    "we spent the {day} there",
    "it was a birthday present from my {person}",
)
FILL = {
    "day": ("monday", "friday", "saturday", "sunday", "weekend", "holiday"),
    "month": ("january", "march", "june", "october", "december", "spring", "summer"),
    "person": ("sister", "brother", "friend", "wife", "husband", "colleague", "mother"),
    "city": ("paris", "rome", "lisbon", "berlin", "madrid", "vienna", "prague"),
}


class _Grammar:
    """Seeded sampling from the word lists, with Zipf-distributed word choice."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def draw(self, options, zipf=False):
        if zipf:
            weights = 1.0 / np.arange(1, len(options) + 1)
            return options[self.rng.choice(len(options), p=weights / weights.sum())]
        return options[self.rng.integers(len(options))]

    def chance(self, p):
        return self.rng.random() < p

    def phrase(self, polarity):
        """An adjective phrase of the given polarity, sometimes as a negated opposite."""
        if self.chance(0.12):
            return "not " + self.draw(ADJECTIVES[1 - polarity][:6])
        adverb = self.draw(ADVERBS)
        return f"{adverb} {self.draw(ADJECTIVES[polarity], zipf=True)}".strip()

    def clause(self, polarity, things, aspects):
        templates = (
            lambda: f"the {self.draw(aspects)} was {self.phrase(polarity)}",
            lambda: f"i found the {self.draw(aspects)} {self.phrase(polarity)}",
            lambda: f"{self.draw(ADJECTIVES[polarity], zipf=True)} {self.draw(aspects)}",
            lambda: f"what a {self.draw(ADJECTIVES[polarity], zipf=True)} {self.draw(things)}",
            lambda: f"i {self.draw(VERBS[polarity], zipf=True)} this {self.draw(things)}",
            lambda: (
                f"the {self.draw(aspects)} is {self.phrase(polarity)} and the "
                f"{self.draw(aspects)} is {self.phrase(polarity)}"
            ),
        )
        return templates[self.rng.integers(len(templates))]()

    def review(self, polarity):
        domain = self.draw(sorted(DOMAINS))
        things, aspects = DOMAINS[domain]
        parts = []
        if self.chance(0.4):
            template = self.draw(FILLERS)
            parts.append(template.format(**{k: self.draw(v) for k, v in FILL.items()}))
        if self.chance(0.25):
            parts.append(
                f"although the {self.draw(aspects)} was {self.phrase(1 - polarity)} "
                f"the {self.draw(things)} was {self.phrase(polarity)} overall"
            )
        parts += [self.clause(polarity, things, aspects) for _ in range(self.rng.integers(1, 3))]
        if self.chance(0.35):
            parts.append(self.draw(CLOSINGS[polarity]))
        return domain, " ".join(parts)


def make_reviews(n_per_class=500, seed=0):
    """Generate ``2 * n_per_class`` reviews as ``(texts, labels, domains)`` lists, shuffled;
    label 1 is positive, 0 negative."""
    check_number("n_per_class", n_per_class, 1, integer=True)
    grammar = _Grammar(seed)
    rows = [(label, *grammar.review(label)) for label in (0, 1) for _ in range(n_per_class)]
    order = grammar.rng.permutation(len(rows))
    labels, domains, texts = zip(*(rows[i] for i in order))
    return list(texts), list(labels), list(domains)


def write_reviews(path, n_per_class=500, seed=0):
    """Write `make_reviews` output as TSV (label, domain, text) with a header; return the path."""
    texts, labels, domains = make_reviews(n_per_class, seed)
    lines = ["label\tdomain\ttext"] + [f"{y}\t{d}\t{t}" for t, y, d in zip(texts, labels, domains)]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n")
    return path


def load_reviews(path=None):
    """The review corpus as ``(texts, labels)``: a list of str and an int64 array.

    Reads the shipped ``reviews.tsv`` (or `path`); when a `path` without the file is given it
    regenerates the identical corpus from the grammar.
    """
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be None or a file path, got {type(path).__name__}")
    path = artifacts.path(CORPUS_FILE) if path is None else Path(path)
    if not path.exists():
        texts, labels, _ = make_reviews()
        return texts, np.asarray(labels, dtype="int64")
    rows = [line.split("\t") for line in path.read_text().splitlines()[1:]]
    return [r[2] for r in rows], np.asarray([int(r[0]) for r in rows], dtype="int64")
