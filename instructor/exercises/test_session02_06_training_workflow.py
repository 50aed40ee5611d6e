"""Solutions to the exercises of notebooks/session02/06_training_workflow.ipynb, each written as a
test that asserts the outcome the exercise asks the student to predict or find."""

import math

import keras
import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import f1_score

import course
from course.data import digits_rgb
from course.ensemble import soft_vote
from course.transfer import build_transfer_model, pretrained_digits_backbone


@pytest.fixture(scope="module")
def fast():
    return digits_rgb(classes=range(5, 10), max_samples=900)


@pytest.fixture(scope="module")
def full():
    return digits_rgb(classes=range(5, 10), max_samples=1797)


def half_width(p, n):
    return 1.96 * math.sqrt(p * (1 - p) / n)


def test_exercise1_the_validation_interval_is_about_ten_points(fast, full):
    n_fast, n_full = len(fast.y_val), len(full.y_val)
    assert (n_fast, n_full) == (69, 135)
    assert 100 * half_width(0.8, n_fast) == pytest.approx(9.4, abs=0.05)
    assert 100 * half_width(0.8, n_full) == pytest.approx(6.7, abs=0.05)


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


@pytest.mark.parametrize("n, k", [(69, 3), (135, 5)])
def test_exercise3_the_best_of_k_equal_settings_gains_points_from_selection_alone(n, k):
    exact = expected_best(0.75, n, k)
    simulated = np.random.default_rng(0).binomial(n, 0.75, size=(200_000, k)).max(axis=1).mean() / n
    assert simulated == pytest.approx(exact, abs=1e-3)
    assert expected_best(0.75, n, 1) == pytest.approx(0.75)  # no selection, no bias
    assert 0.03 < exact - 0.75 < 0.07  # 3-7 points of "improvement" that is pure selection


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
def test_exercise5_mcnemar_by_hand_matches_scipy(b, c):
    assert mcnemar_exact(b, c) == pytest.approx(stats.binomtest(min(b, c), b + c, 0.5).pvalue)


def test_exercise5_two_images_are_not_significant():
    # winning 2 images net with no losses (b=2, c=0) is p = 0.5; even 5-0 is p = 0.0625
    assert mcnemar_exact(2, 0) == pytest.approx(0.5) and mcnemar_exact(5, 0) == pytest.approx(
        0.0625
    )
    assert mcnemar_exact(6, 0) < 0.05
