"""Solutions to the exercises of notebooks/session02/04_ensembling.ipynb, each written as a test
that asserts the outcome the exercise asks the student to predict or find, proven against closed
forms, scipy.stats.binom and scikit-learn."""

import numpy as np
import pytest
from scipy.stats import binom
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import VotingClassifier
from sklearn.metrics import mean_squared_error

from course.ensemble import (
    average_predictions,
    bootstrap_indices,
    hard_vote,
    majority_vote_error,
    soft_vote,
)


def test_exercise1_what_a_bootstrap_sample_sees():
    n, members = 1000, 7
    idx = bootstrap_indices(n, members, seed=0)
    distinct = np.mean([len(np.unique(row)) for row in idx]) / n
    assert distinct == pytest.approx(1 - (1 - 1 / n) ** n, abs=0.02)  # about 1 - 1/e = 63.2%
    # about one example in a thousand: average the share over 100 bagged ensembles
    never_seen = np.mean(
        [1 - len(np.unique(bootstrap_indices(n, members, seed=s))) / n for s in range(100)]
    )
    assert never_seen == pytest.approx((1 - 1 / n) ** (n * members), abs=3e-4)  # about e^-7 = 0.09%


def test_exercise2_voting_helps_only_below_one_half():
    sizes = (1, 11, 101)
    for e in (0.3, 0.5, 0.6):
        errors = [majority_vote_error(e, m) for m in sizes]
        np.testing.assert_allclose(errors, [binom.sf(m // 2, m, e) for m in sizes], rtol=1e-10)
        if e < 0.5:
            assert (
                errors[0] > errors[1] > errors[2]
            )  # members better than chance: the vote improves
        elif e == 0.5:
            np.testing.assert_allclose(errors, 0.5)  # odd M: symmetric, no gain at all
        else:
            assert (
                errors[0] < errors[1] < errors[2]
            )  # worse than chance: the vote amplifies the errors
    smallest = next(m for m in range(1, 101, 2) if binom.sf(m // 2, m, 0.3) < 0.05)
    assert smallest == 17 and majority_vote_error(0.3, 15) > 0.05 > majority_vote_error(0.3, 17)


class FixedProbabilities(ClassifierMixin, BaseEstimator):
    """A "fitted" member whose predict_proba returns fixed rows, indexed by X[:, 0]."""

    def __init__(self, probs=None):
        self.probs = probs

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.asarray(self.probs)[np.asarray(X)[:, 0].astype(int)]

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def sklearn_vote(probs, voting, weights=None):
    """scikit-learn's VotingClassifier over members that return the given (members, examples, K)
    rows."""
    classes = probs.shape[2]
    estimators = [(f"m{i}", FixedProbabilities(p)) for i, p in enumerate(probs)]
    voter = VotingClassifier(estimators, voting=voting, weights=weights)
    voter.fit(
        np.zeros((classes, 1)), np.arange(classes)
    )  # every class seen once; nothing is learnt
    return voter.predict(np.arange(probs.shape[1])[:, None])  # row i of X asks for example i


def test_exercise3_hard_against_soft_voting():
    probs = np.array([[[0.9, 0.1, 0.0]], [[0.4, 0.6, 0.0]], [[0.4, 0.6, 0.0]]])
    assert hard_vote(probs)[0] == 1  # two of three members vote class 1
    assert soft_vote(probs)[0] == 0  # mean probabilities 0.567, 0.433, 0: the confident member wins
    # weighted: class 0 scores (0.9 w + 0.8) / (w + 2), class 1 (0.1 w + 1.2) / (w + 2):
    # equal at w = 1/2
    assert (
        soft_vote(probs, weights=[0.49, 1, 1])[0] == 1
        and soft_vote(probs, weights=[0.51, 1, 1])[0] == 0
    )
    rng = np.random.default_rng(0)
    random_probs = rng.dirichlet(np.ones(4), size=(5, 200))
    for voting, ours in (("hard", hard_vote), ("soft", soft_vote)):
        np.testing.assert_array_equal(ours(probs), sklearn_vote(probs, voting))
        np.testing.assert_array_equal(ours(random_probs), sklearn_vote(random_probs, voting))
    weights = [3, 1, 1, 2, 1]
    np.testing.assert_array_equal(
        soft_vote(random_probs, weights=weights),
        sklearn_vote(random_probs, "soft", weights=weights),
    )


def test_exercise4_the_ambiguity_decomposition():
    rng = np.random.default_rng(0)
    y = rng.normal(size=300)
    preds = y + rng.normal(0.2, 0.5, size=(5, 300))
    mean_member = np.mean([mean_squared_error(y, p) for p in preds])
    average = average_predictions(preds)
    spread = np.mean((preds - average) ** 2)
    assert mean_squared_error(y, average) == pytest.approx(mean_member - spread, rel=1e-10)
    # the average is not always better than the best member: one exact member, one far off
    exact, off = y, y + 2.0
    assert mean_squared_error(y, average_predictions([exact, off])) == pytest.approx(1.0)
    assert mean_squared_error(y, exact) == 0.0


@pytest.mark.parametrize("e", [0.1, 0.3, 0.45])
@pytest.mark.parametrize("m", [1, 2, 3, 5])
def test_exercise5_an_even_number_of_members(e, m):
    even = 2 * m
    coin_flip_ties = binom.sf(m, even, e) + 0.5 * binom.pmf(m, even, e)
    assert coin_flip_ties == pytest.approx(majority_vote_error(e, even - 1), rel=1e-10)
    assert majority_vote_error(e, even) == pytest.approx(
        binom.sf(m, even, e), rel=1e-10
    )  # ties counted right
    assert majority_vote_error(e, even) < majority_vote_error(e, even - 1)  # hence optimistic
    rng = np.random.default_rng(m)
    wrong = rng.binomial(even, e, size=400_000)
    simulated = np.mean((wrong > m) | ((wrong == m) & (rng.random(wrong.size) < 0.5)))
    assert simulated == pytest.approx(
        coin_flip_ties, abs=4 * np.sqrt(coin_flip_ties / wrong.size) + 1e-4
    )
