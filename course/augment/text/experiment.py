"""Does EDA help at small training sizes? TF-IDF + logistic regression trained on n reviews with
and without EDA copies, scored review by review on one fixed test set over repeated draws of the
n reviews: per-review correctness is what `course.analysis.compare` needs to put an interval on
EDA's gain, and the table of means summarises it."""

import numpy as np

from course.augment.text.corpus import load_reviews
from course.augment.text.word_edits import augment_dataset
from course.table import Table
from course.validation import check_number

ARMS = ("without EDA", "with EDA")


def _correct(train_texts, train_labels, test_texts, test_labels):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    features = vectorizer.fit_transform(train_texts)
    model = LogisticRegression(C=10.0, max_iter=1000).fit(features, train_labels)
    return model.predict(vectorizer.transform(test_texts)) == test_labels


def eda_correctness(
    train_sizes=(10, 20, 50, 100, 200), repeats=5, n_aug=8, test_size=400, seed=0, **eda_kwargs
):
    """Per-review test correctness without and with EDA (`n_aug` copies per review) per size.

    The last `test_size` reviews of the corpus are the fixed test set; each repeat draws a
    class-balanced training set of each size from the rest. Returns
    ``{size: {"without EDA": bool (repeats, test_size), "with EDA": ...}}``: row r of both arms
    comes from the same draw, so ``course.analysis.compare(result[size])`` pairs them.
    """
    check_number("repeats", repeats, 1, integer=True)
    check_number("n_aug", n_aug, 1, integer=True)
    texts, labels = load_reviews()
    check_number("test_size", test_size, 1, len(texts) - max(train_sizes), integer=True)
    pool, test = np.arange(len(texts) - test_size), np.arange(len(texts) - test_size, len(texts))
    test_texts, test_labels = [texts[i] for i in test], labels[test]
    result = {}
    for size in train_sizes:
        check_number("train_sizes", size, 2, integer=True)
        plain, augmented = [], []
        for r in range(repeats):
            rng = np.random.default_rng([seed, size, r])
            chosen = np.concatenate(
                [rng.choice(pool[labels[pool] == c], size // 2, replace=False) for c in (0, 1)]
            )
            train_texts, train_labels = [texts[i] for i in chosen], labels[chosen]
            plain.append(_correct(train_texts, train_labels, test_texts, test_labels))
            aug_texts, aug_labels = augment_dataset(
                train_texts, train_labels, n_aug=n_aug, seed=rng, **eda_kwargs
            )
            augmented.append(_correct(aug_texts, aug_labels, test_texts, test_labels))
        result[int(size)] = dict(zip(ARMS, (np.stack(plain), np.stack(augmented))))
    return result


def eda_table(correctness):
    """The mean test accuracy without and with EDA, and the gain, per size of `eda_correctness`'s
    result (means over draws and reviews; the intervals come from `course.analysis.compare`)."""
    rows = []
    for size, arms in correctness.items():
        plain, augmented = (float(np.mean(arms[arm])) for arm in ARMS)
        rows.append(
            {
                "train size": size,
                "accuracy": plain,
                "accuracy + EDA": augmented,
                "gain": augmented - plain,
            }
        )
    return Table(tuple(rows))


def eda_accuracy_table(
    train_sizes=(10, 20, 50, 100, 200), repeats=5, n_aug=8, test_size=400, seed=0, **eda_kwargs
):
    """`eda_table(eda_correctness(...))`: mean test accuracy without and with EDA per size."""
    return eda_table(eda_correctness(train_sizes, repeats, n_aug, test_size, seed, **eda_kwargs))
