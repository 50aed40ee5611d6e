"""Ensemble theory against enumeration, voting on hand-made predictions, bagging and boosting."""

import itertools
import math
from functools import partial

import numpy as np
import pytest

from course.data import load_digits
from course.ensemble import (
    AdaBoostSAMME,
    BaggingEnsemble,
    average_predictions,
    bag_over_seeds,
    bootstrap_indices,
    correlated_majority_error,
    hard_vote,
    majority_vote_error,
    mistake_correlation,
    notes_ensemble_error,
    soft_vote,
)
from course.ensemble.boosting import reweight, samme_alpha
from course.models import mlp, mlp_classifier


def enumerate_majority_error(e, m):
    return sum(
        e ** sum(o) * (1 - e) ** (m - sum(o))
        for o in itertools.product((0, 1), repeat=m)
        if sum(o) > m / 2
    )


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 7, 10])
@pytest.mark.parametrize("e", [0.01, 0.2, 0.45])
def test_majority_vote_error_equals_enumeration(e, m):
    assert majority_vote_error(e, m) == pytest.approx(enumerate_majority_error(e, m), rel=1e-12)


def test_notes_example_and_where_the_notes_formula_diverges():
    assert round(majority_vote_error(0.01, 3), 6) == 0.000298
    assert notes_ensemble_error(0.01, 3) == pytest.approx(majority_vote_error(0.01, 3))
    for m in (5, 7, 9):
        assert abs(notes_ensemble_error(0.01, m) - majority_vote_error(0.01, m)) > 1e-4


def test_correlation_erodes_the_gain():
    independent = correlated_majority_error(0.2, 5, rho=0.0, n_trials=100_000)
    assert independent == pytest.approx(majority_vote_error(0.2, 5), abs=0.005)
    half = correlated_majority_error(0.2, 5, rho=0.5, n_trials=100_000)
    same = correlated_majority_error(0.2, 5, rho=1.0, n_trials=100_000)
    assert independent < half < same
    assert same == pytest.approx(0.2, abs=0.005)  # identical members: no gain at all


@pytest.mark.parametrize("e,rho", [(0.22, 0.34), (0.05, 0.7), (0.5, 0.5), (0.9, 0.2)])
def test_mistake_correlation_against_the_bivariate_normal_cdf(e, rho):
    from scipy.stats import multivariate_normal, norm

    t = norm.ppf(e)
    both_wrong = multivariate_normal.cdf([t, t], cov=[[1, rho], [rho, 1]])
    assert mistake_correlation(e, rho) == pytest.approx(
        (both_wrong - e * e) / (e * (1 - e)), abs=1e-6
    )


def test_mistake_correlation_closed_forms_and_simulation():
    # at e = 1/2 the dichotomised Gaussian follows the arcsine law: phi = (2 / pi) arcsin(rho)
    assert mistake_correlation(0.5, 0.5) == pytest.approx(1 / 3, rel=1e-12)
    assert mistake_correlation(0.2, 0.0) == pytest.approx(0.0, abs=1e-12)
    assert mistake_correlation(0.2, 1.0) == pytest.approx(1.0, rel=1e-12)
    scores = np.random.default_rng(0).multivariate_normal(
        [0, 0], [[1, 0.6], [0.6, 1]], size=200_000
    )
    wrong = scores < np.quantile(scores, 0.2, axis=0)
    assert np.corrcoef(wrong.T.astype(float))[0, 1] == pytest.approx(
        mistake_correlation(0.2, 0.6), abs=0.01
    )
    assert mistake_correlation(0.2, 0.6) < 0.6
    with pytest.raises(ValueError, match="e must be"):
        mistake_correlation(0.0, 0.5)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: majority_vote_error(1.5, 3), "e must be"),
        (lambda: majority_vote_error(0.1, 0), "M must be"),
        (lambda: correlated_majority_error(0.1, 3, rho=-0.1), "rho"),
    ],
)
def test_invalid_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


PROBS = np.array(
    [
        [[0.40, 0.35, 0.25], [0.1, 0.8, 0.1]],
        [[0.40, 0.30, 0.30], [0.3, 0.6, 0.1]],
        [[0.05, 0.90, 0.05], [0.6, 0.3, 0.1]],
    ]
)


def test_hard_and_soft_voting_on_hand_made_predictions():
    # example 0: votes 0, 0, 1 -> hard 0; mean probabilities 0.283, 0.517, 0.2 -> soft 1
    np.testing.assert_array_equal(hard_vote(PROBS), [0, 1])
    np.testing.assert_array_equal(soft_vote(PROBS), [1, 1])
    np.testing.assert_array_equal(soft_vote(PROBS, weights=[1, 1, 0]), [0, 1])
    np.testing.assert_array_equal(
        hard_vote(np.array([[[0.6, 0.4]], [[0.4, 0.6]]])), [0]
    )  # tie -> lowest


def test_average_predictions_and_shape_errors():
    np.testing.assert_allclose(average_predictions([[1.0, 2.0], [3.0, 6.0]]), [2.0, 4.0])
    with pytest.raises(ValueError, match="probs must have shape"):
        hard_vote(np.zeros((3, 4)))


def test_bootstrap_indices_are_resamples_with_replacement():
    idx = bootstrap_indices(1000, 3, seed=1)
    assert idx.shape == (3, 1000) and idx.min() >= 0 and idx.max() < 1000
    unique_share = np.mean([len(np.unique(row)) / 1000 for row in idx])
    assert unique_share == pytest.approx(1 - np.exp(-1), abs=0.03)  # about 63.2% distinct


def test_samme_weights():
    assert samme_alpha(0.9, 10) == pytest.approx(np.log(0.1 / 0.9) + np.log(9))
    assert samme_alpha(0.5, 2) == pytest.approx(0.0)
    w = reweight(np.full(4, 0.25), np.array([1.0, 0, 0, 0]), np.log(3))
    np.testing.assert_allclose(w, [0.5, 1 / 6, 1 / 6, 1 / 6])


_small_mlp = partial(mlp_classifier, (8, 8, 1), 10, hidden=(16,), learning_rate=0.01, metrics=())


def test_bagging_and_boosting_train_and_predict():
    data = load_digits(max_samples=300)
    bag = BaggingEnsemble(_small_mlp, n_members=3).fit(data.x_train, data.y_train, epochs=5)
    probs = bag.member_probabilities(data.x_test)
    assert probs.shape == (3, len(data.x_test), 10)
    assert (bag.predict(data.x_test) == data.y_test).mean() > 0.5
    boost = AdaBoostSAMME(_small_mlp, n_rounds=3).fit(
        data.x_train, data.y_train, num_classes=10, epochs=5
    )
    assert len(boost.learners) >= 1 and all(a > 0 for a in boost.alphas)
    assert (boost.predict(data.x_test) == data.y_test).mean() > 0.5
    with pytest.raises(ValueError, match="voting"):
        bag.predict(data.x_test, voting="median")


def test_bag_over_seeds_arms_are_the_stand_alone_members_votes():
    """Each arm's row e is what ensemble e's members, rebuilt as stand-alone Keras models with
    `SeedRun.model`, give: soft and hard vote, the member best on validation, the single model."""
    data = load_digits(max_samples=300)
    build = partial(mlp, data.input_shape, data.num_classes, hidden=(16,))
    bags = bag_over_seeds(build, data.x_train, data.y_train, 2, 3, 3, learning_rate=3e-3, seed=4)
    arms = bags.arms(data.x_test, data.y_test, data.x_val, data.y_val)
    assert bags.singles.seeds == (4, 7)  # each single model shares its ensemble's first seed
    for e in range(2):
        members = [bags.members.model(4 + 3 * e + m) for m in range(3)]
        probs = np.stack([m.predict(data.x_test, verbose=0) for m in members])
        val = [(m.predict(data.x_val, verbose=0).argmax(-1) == data.y_val).mean() for m in members]
        np.testing.assert_array_equal(arms["soft vote"][e], soft_vote(probs) == data.y_test)
        np.testing.assert_array_equal(arms["hard vote"][e], hard_vote(probs) == data.y_test)
        best = probs[int(np.argmax(val))].argmax(-1) == data.y_test
        np.testing.assert_array_equal(arms["best member"][e], best)
        single = bags.singles.model(4 + 3 * e).predict(data.x_test, verbose=0).argmax(-1)
        np.testing.assert_array_equal(arms["single model"][e], single == data.y_test)
    assert all(a.shape == (2, len(data.y_test)) for a in arms.values())
    with pytest.raises(ValueError, match="n_ensembles"):
        bag_over_seeds(build, data.x_train, data.y_train, 1, 3, 1)


def exact_tail(e, m):
    """The binomial tail in exact rational arithmetic (no float until the end)."""
    from fractions import Fraction

    e = Fraction(e)
    return float(sum(math.comb(m, k) * e**k * (1 - e) ** (m - k) for k in range(m // 2 + 1, m + 1)))


@pytest.mark.parametrize("e,m", [(0.3, 11), (0.45, 101), (0.49, 301), (0.3, 1100)])
def test_majority_vote_error_equals_the_exact_rational_sum(e, m):
    # (0.3, 1100) raised OverflowError when the float sum multiplied C(1100, k) by e^k
    assert majority_vote_error(e, m) == pytest.approx(exact_tail(e, m), rel=1e-10)


@pytest.mark.parametrize("e,m", [(0.3, 1100), (0.499, 100_001), (0.4999, 10_000_001)])
def test_majority_vote_error_matches_scipy_for_large_ensembles(e, m):
    from scipy.stats import binom

    assert majority_vote_error(e, m) == pytest.approx(binom.sf(m // 2, m, e), rel=1e-9)


def test_majority_vote_error_closed_forms_at_huge_m():
    # symmetry: with e = 1/2 and odd M, "more than half wrong" has probability exactly 1/2 (the
    # library says so itself: scipy's betainc is off by 1e-5 here before scipy 1.17)
    assert majority_vote_error(0.5, 10**12 + 1) == pytest.approx(0.5, abs=1e-12)
    assert majority_vote_error(0.5, 3) == pytest.approx(exact_tail(0.5, 3), abs=1e-15)
    assert majority_vote_error(0.0, 10**9) == 0.0 and majority_vote_error(1.0, 10**9) == 1.0


def test_notes_formula_stays_finite_for_large_m():
    from fractions import Fraction

    e, m = Fraction(3, 10), 40
    exact = 1 - (1 - e) ** m - math.comb(m, 2) * (1 - e) ** (m - 1) * e
    assert notes_ensemble_error(0.3, m) == pytest.approx(float(exact), rel=1e-12)
    assert notes_ensemble_error(0.3, 10**200) == 1.0  # both terms underflow to 0
    assert notes_ensemble_error(0.01, 1) == pytest.approx(0.01)


def test_correlated_simulation_handles_large_ensembles():
    # drawing every member's score would need n_trials * M floats (1.7 GB here)
    independent = correlated_majority_error(0.48, 1101, rho=0.0, n_trials=100_000)
    assert independent == pytest.approx(majority_vote_error(0.48, 1101), abs=0.005)
    assert correlated_majority_error(0.48, 1101, rho=1.0, n_trials=100_000) == pytest.approx(
        0.48, abs=0.005
    )


@pytest.mark.parametrize(
    "call,error,match",
    [
        (lambda: majority_vote_error(float("nan"), 3), ValueError, "e must be"),
        (lambda: majority_vote_error(0.1, 3.0), TypeError, "M must be an int"),
        (lambda: correlated_majority_error(0.1, 3, rho=float("nan")), ValueError, "rho"),
        (lambda: hard_vote(np.full((2, 3, 4), np.nan)), ValueError, "probs must hold finite"),
        (lambda: hard_vote(np.zeros((0, 3, 4))), ValueError, "probs needs at least one member"),
        (
            lambda: soft_vote(PROBS, weights=[1, 1]),
            ValueError,
            r"weights must have one entry per member",
        ),
        (lambda: soft_vote(PROBS, weights=[1, -1, 1]), ValueError, "weights must be non-negative"),
        (
            lambda: average_predictions([["a"], ["b"]]),
            TypeError,
            "predictions must be an array of numbers",
        ),
        (lambda: bootstrap_indices(10, 2, seed=-1), ValueError, "seed must be"),
        (lambda: samme_alpha(float("nan"), 3), ValueError, "error must be"),
        (lambda: samme_alpha(0.2, 1), ValueError, "num_classes must be"),
        (lambda: BaggingEnsemble(_small_mlp, seed=0.5), TypeError, "seed must be an int"),
    ],
)
def test_bad_arguments_name_themselves(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    "y,error,match",
    [
        (
            np.array([0, 1, 2, 3]),
            ValueError,
            r"y must be integer class indices in \[0, 3\), got values from 0 to 3",
        ),
        (np.eye(4, 3), TypeError, "y must be integer class indices"),
        (np.array([0, 1, 2]), ValueError, "x and y must hold the same"),
    ],
)
def test_boosting_checks_labels_before_training(y, error, match):
    built = []
    boost = AdaBoostSAMME(lambda: built.append(1), n_rounds=2)
    with pytest.raises(error, match=match):
        boost.fit(np.zeros((4, 8, 8, 1)), y, num_classes=3)
    assert built == [] and boost.learners == []  # nothing was built or trained
