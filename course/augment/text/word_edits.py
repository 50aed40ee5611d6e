"""Easy Data Augmentation (EDA; Wei and Zou, 2019) and token dropout on whitespace-tokenised
strings: synonym replacement, random insertion, random swap, random deletion.

Every function takes `seed`: an int, None, a `numpy.random.Generator` or a `random.Random`, so
a run repeats exactly when seeded. Labels are untouched: `augment_dataset` repeats each label
next to its augmented copies.
"""

import random
from collections.abc import Iterable

import numpy as np

from course.augment.text.synonyms import synonyms_of
from course.validation import check_number, check_same_length


def as_generator(seed):
    """A numpy Generator from an int, None, a Generator (returned as is) or a `random.Random`."""
    if isinstance(seed, random.Random):
        return np.random.default_rng(seed.getrandbits(64))
    if seed is not None and not isinstance(seed, np.random.Generator):
        check_number("seed", seed, 0, integer=True)
    return np.random.default_rng(seed)


def tokens_of(text):
    """Split `text` on whitespace, or raise if it is not a non-empty string."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    words = text.split()
    if not words:
        raise ValueError(f"text must contain at least one word, got {text!r}")
    return words


# EDA edits a few words per sentence; a count beyond this is a slip (n=10**7 ran for 30 s and
# returned 62 million characters), refused instead of run. The cost is linear below it.
MAX_EDITS = 100_000


def _count(name, n):
    return check_number(name, n, 0, MAX_EDITS, integer=True)


def synonym_replacement(text, n=1, seed=None, synonyms=None):
    """Replace up to `n` distinct non-stopwords that have synonyms (every occurrence of each) by
    a random synonym; words without synonyms are never chosen."""
    words, rng = tokens_of(text), as_generator(seed)
    _count("n", n)
    candidates = sorted({w.lower() for w in words if synonyms_of(w, synonyms)})
    chosen = {}
    for index in rng.permutation(len(candidates))[:n]:
        word = candidates[index]
        options = synonyms_of(word, synonyms)
        chosen[word] = options[rng.integers(len(options))]
    return " ".join(chosen.get(w.lower(), w) for w in words)


def random_insertion(text, n=1, seed=None, synonyms=None):
    """Insert, `n` times, a synonym of a random word of the sentence at a random position
    (unchanged if no word has a synonym); inserted words can be picked in later rounds.

    Linear in len(text) + n: the candidate pool grows by appends, each distinct word's synonyms
    are looked up once, and the positions are drawn in one go (inserting at a uniform slot of
    the growing list, n times, makes every interleaving that keeps the original words in order
    equally likely, so that interleaving is drawn directly).
    """
    words, rng = tokens_of(text), as_generator(seed)
    _count("n", n)
    lookup = {}

    def options(word):
        if word not in lookup:
            lookup[word] = synonyms_of(word, synonyms)
        return lookup[word]

    pool = [w for w in words if options(w)]
    inserted = []
    for _ in range(n if pool else 0):
        choices = options(pool[rng.integers(len(pool))])
        inserted.append(choices[rng.integers(len(choices))])
        if options(inserted[-1]):
            pool.append(inserted[-1])
    total = len(words) + len(inserted)
    is_new = np.zeros(total, dtype=bool)
    is_new[rng.choice(total, size=len(inserted), replace=False)] = True
    new_words = iter([inserted[i] for i in rng.permutation(len(inserted))])
    old_words = iter(words)
    return " ".join(next(new_words) if flag else next(old_words) for flag in is_new)


def random_swap(text, n=1, seed=None):
    """Swap two random positions `n` times; the multiset of words is unchanged."""
    words, rng = tokens_of(text), as_generator(seed)
    _count("n", n)
    for _ in range(n if len(words) > 1 else 0):
        i, j = rng.integers(len(words), size=2)
        words[i], words[j] = words[j], words[i]
    return " ".join(words)


def random_deletion(text, p=0.1, seed=None):
    """Delete each word independently with probability `p`; if all would go, keep one at random."""
    words, rng = tokens_of(text), as_generator(seed)
    check_number("p", p, 0, 1)
    kept = [w for w, u in zip(words, rng.random(len(words))) if u >= p]
    return " ".join(kept) if kept else words[rng.integers(len(words))]


def token_dropout(text, p=0.1, seed=None, mask_token="[UNK]"):
    """Replace each word with `mask_token` with probability `p` (length and positions kept)."""
    words, rng = tokens_of(text), as_generator(seed)
    check_number("p", p, 0, 1)
    if not isinstance(mask_token, str):
        raise TypeError(f"mask_token must be a str, got {type(mask_token).__name__}")
    return " ".join(mask_token if u < p else w for w, u in zip(words, rng.random(len(words))))


def eda(
    text, n_aug=4, alpha_sr=0.1, alpha_ri=0.1, alpha_rs=0.1, p_rd=0.1, seed=None, synonyms=None
):
    """`n_aug` augmented copies of `text`, the four EDA operations taking turns.

    Replacement, insertion and swap change n = max(1, round(alpha * words)) words; deletion
    drops each word with probability `p_rd`. An alpha or p of 0 switches that operation off.
    """
    words, rng = tokens_of(text), as_generator(seed)
    _count("n_aug", n_aug)
    for name, value in (
        ("alpha_sr", alpha_sr),
        ("alpha_ri", alpha_ri),
        ("alpha_rs", alpha_rs),
        ("p_rd", p_rd),
    ):
        check_number(name, value, 0, 1)

    def size(alpha):
        return max(1, round(alpha * len(words)))

    operations = [
        op
        for op, on in (
            (lambda: synonym_replacement(text, size(alpha_sr), rng, synonyms), alpha_sr > 0),
            (lambda: random_insertion(text, size(alpha_ri), rng, synonyms), alpha_ri > 0),
            (lambda: random_swap(text, size(alpha_rs), rng), alpha_rs > 0),
            (lambda: random_deletion(text, p_rd, rng), p_rd > 0),
        )
        if on
    ]
    if not operations:
        return [text] * n_aug
    return [operations[i % len(operations)]() for i in range(n_aug)]


def augment_dataset(texts, labels, n_aug=4, seed=None, **eda_kwargs):
    """Originals plus `n_aug` EDA copies of each text, every copy carrying its source's label.

    Returns ``(texts, labels)`` as lists: the originals first, then the copies in input order.
    """
    for name, value in (("texts", texts), ("labels", labels)):
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise TypeError(f"{name} must be a list, got {type(value).__name__}")
    texts, labels = list(texts), list(labels)
    if not texts:
        raise ValueError("texts must hold at least one text, got an empty list")
    check_same_length("texts", texts=texts, labels=labels)
    rng = as_generator(seed)
    new_texts, new_labels = list(texts), list(labels)
    for text, label in zip(texts, labels):
        copies = eda(text, n_aug=n_aug, seed=rng, **eda_kwargs)
        new_texts += copies
        new_labels += [label] * len(copies)
    return new_texts, new_labels
