"""Does EDA help at small training sizes? Test accuracy of TF-IDF + logistic regression trained
on n reviews with and without EDA copies, averaged over repeated draws of the n reviews."""

import numpy as np

from course.augment.text.corpus import load_reviews
from course.augment.text.word_edits import augment_dataset
from course.table import Table
from course.validation import check_number


def _accuracy(train_texts, train_labels, test_texts, test_labels):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    features = vectorizer.fit_transform(train_texts)
    model = LogisticRegression(C=10.0, max_iter=1000).fit(features, train_labels)
    return float(np.mean(model.predict(vectorizer.transform(test_texts)) == test_labels))


def eda_accuracy_table(
    train_sizes=(10, 20, 50, 100, 200), repeats=5, n_aug=8, test_size=400, seed=0, **eda_kwargs
):
    """Mean test accuracy without and with EDA (`n_aug` copies per review) per training size.

    The last `test_size` reviews of the shuffled corpus are the fixed test set; each repeat draws
    a class-balanced training set of each size from the rest.
    """
    check_number("repeats", repeats, 1, integer=True)
    check_number("n_aug", n_aug, 1, integer=True)
    texts, labels = load_reviews()
    check_number("test_size", test_size, 1, len(texts) - max(train_sizes), integer=True)
    pool, test = np.arange(len(texts) - test_size), np.arange(len(texts) - test_size, len(texts))
    test_texts, test_labels = [texts[i] for i in test], labels[test]
    rows = []
    for size in train_sizes:
        check_number("train_sizes", size, 2, integer=True)
        plain, augmented = [], []
        for r in range(repeats):
            rng = np.random.default_rng([seed, size, r])
            chosen = np.concatenate(
                [rng.choice(pool[labels[pool] == c], size // 2, replace=False) for c in (0, 1)]
            )
            train_texts, train_labels = [texts[i] for i in chosen], labels[chosen]
            plain.append(_accuracy(train_texts, train_labels, test_texts, test_labels))
            aug_texts, aug_labels = augment_dataset(
                train_texts, train_labels, n_aug=n_aug, seed=rng, **eda_kwargs
            )
            augmented.append(_accuracy(aug_texts, aug_labels, test_texts, test_labels))
        rows.append(
            {
                "train size": int(size),
                "accuracy": float(np.mean(plain)),
                "accuracy + EDA": float(np.mean(augmented)),
                "gain": float(np.mean(augmented) - np.mean(plain)),
            }
        )
    return Table(tuple(rows))
