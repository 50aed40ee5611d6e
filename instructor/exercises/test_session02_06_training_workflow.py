"""Solutions to the exercises of notebooks/session02/06_training_workflow.ipynb, each written as a
test that asserts the outcome the exercise asks the student to predict or find."""

import math

import keras
import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import f1_score

import course
from course.analysis.comparison import mcnemar
from course.data import digits_rgb
from course.data.split import split_arrays
from course.ensemble import soft_vote
from course.transfer import build_transfer_model, pretrained_digits_backbone


def workflow_split(max_samples):
    """The notebook's task: digits 5-9, 10 % labelled for training, 45 % validation, 45 % test."""
    d = digits_rgb(classes=range(5, 10), max_samples=max_samples)
    x = np.concatenate([d.x_train, d.x_val, d.x_test])
    y = np.concatenate([d.y_train, d.y_val, d.y_test])
    return split_arrays(x, y, 0.45, 0.45, 0, class_names=d.class_names)


@pytest.fixture(scope="module")
def fast():
    return workflow_split(900)


@pytest.fixture(scope="module")
def full():
    return workflow_split(1797)


def half_width(p, n):
    return 1.96 * math.sqrt(p * (1 - p) / n)


def test_exercise1_the_validation_interval_is_three_to_four_points(fast, full):
    n_fast, n_full = len(fast.y_val), len(full.y_val)
    assert (n_fast, n_full) == (207, 403)
    assert 100 * half_width(0.9, n_fast) == pytest.approx(4.1, abs=0.05)
    assert 100 * half_width(0.9, n_full) == pytest.approx(2.9, abs=0.05)
    # a 15 % split of the 896 digits 5-9 holds 135 images: +-5.1 points, wider than most steps' gain
    assert 100 * half_width(0.9, round(0.15 * sum(full.sizes))) == pytest.approx(5.1, abs=0.05)


def test_exercise2_majority_class_accuracy_is_its_share_macro_f1_is_far_lower(fast):
    y = fast.y_val
    majority = int(np.bincount(y).argmax())
    pred = np.full_like(y, majority)
    share, k = float(np.mean(y == majority)), fast.num_classes
    assert float(np.mean(pred == y)) == pytest.approx(share)
    # F1 of the majority class: precision s, recall 1 -> 2s / (1 + s); every other class scores 0
    macro = f1_score(y, pred, average="macro", zero_division=0)
    assert macro == pytest.approx(2 * share / (1 + share) / k)
    assert macro < share / 2


def expected_best(p, n, k):
    """Exact E[max of k independent Binomial(n, p) / n]: P(max <= m) = F(m)^k."""
    m = np.arange(n + 1)
    cdf_max = stats.binom.cdf(m, n, p) ** k
    pmf_max = np.diff(np.concatenate([[0.0], cdf_max]))
    return float(np.sum(pmf_max * m / n))


@pytest.mark.parametrize("n, k", [(207, 2), (403, 3)])
def test_exercise3_the_best_of_k_equal_settings_gains_points_from_selection_alone(n, k):
    exact = expected_best(0.75, n, k)
    scores = np.random.default_rng(0).binomial(n, 0.75, size=(200_000, k)) / n
    assert scores.max(axis=1).mean() == pytest.approx(exact, abs=1e-3)
    assert expected_best(0.75, n, 1) == pytest.approx(0.75)  # no selection, no bias
    assert 0.01 < exact - 0.75 < 0.03  # 1-3 points of "improvement" that is pure selection
    # The tie rule keeps the incumbent (column 0) unless a rival beats it beyond noise (here: by
    # more than 1.96 standard errors of a difference of two independent scores): far less bias.
    margin = 1.96 * np.sqrt(2 * 0.75 * 0.25 / n)
    best_rival = scores[:, 1:].max(axis=1)
    kept = np.where(best_rival - scores[:, 0] > margin, best_rival, scores[:, 0])
    assert kept.mean() - 0.75 < (exact - 0.75) / 3


def test_exercise4_the_saved_ensemble_predicts_the_members_mean(fast, tmp_path):
    members = []
    for seed in (1, 2):
        keras.utils.set_random_seed(seed)
        m = build_transfer_model(pretrained_digits_backbone(), fast.num_classes, name=f"seed{seed}")
        m.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
        m.fit(fast.x_train, fast.y_train, epochs=1, batch_size=64, verbose=0)
        members.append(m)
    inputs = keras.Input(fast.x_train.shape[1:])
    ensemble = keras.Model(inputs, keras.layers.Average()([m(inputs) for m in members]))
    ensemble.save(tmp_path / "ensemble.keras")
    reloaded = course.load_model(tmp_path / "ensemble.keras")
    probs = np.stack([m.predict(fast.x_val, verbose=0) for m in members])
    got = reloaded.predict(fast.x_val, verbose=0)
    np.testing.assert_allclose(got, probs.mean(axis=0), atol=1e-5)
    assert np.array_equal(got.argmax(axis=1), soft_vote(probs))
    assert not np.allclose(
        probs[0], probs[1], atol=1e-3
    )  # two different members, so the mean is news


def mcnemar_exact(b, c):
    """Two-sided exact McNemar p-value from the discordant counts b and c."""
    n = b + c
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(min(b, c) + 1)) / 2**n) if n else 1.0


@pytest.mark.parametrize("b, c", [(4, 0), (7, 3), (5, 5), (12, 2), (0, 1), (30, 14)])
def test_exercise5_mcnemar_by_hand_matches_scipy_and_the_comparison_module(b, c):
    assert mcnemar_exact(b, c) == pytest.approx(stats.binomtest(min(b, c), b + c, 0.5).pvalue)
    # b cells only arm a gets right, c only arm b, and 3 both get right, as one seed's row
    a = np.array([[1] * b + [0] * c + [1] * 3])
    other = np.array([[0] * b + [1] * c + [1] * 3])
    assert mcnemar(a, other)[3] == pytest.approx(mcnemar_exact(b, c))


def test_exercise5_six_discordant_wins_are_the_least_that_is_significant():
    # winning 2 images net with no losses (b=2, c=0) is p = 0.5; even 5-0 is p = 0.0625
    assert mcnemar_exact(2, 0) == pytest.approx(0.5) and mcnemar_exact(5, 0) == pytest.approx(
        0.0625
    )
    assert mcnemar_exact(6, 0) < 0.05
