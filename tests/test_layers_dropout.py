"""Dropout conventions, statistics and the survival probability of the notes' numericals."""
import math

import keras
import numpy as np
import pytest

from course.layers import Dropout, dropout_survival_probability

X = np.ones((2000, 50), "float32")


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_inverted_dropout_keep_rate_and_expectation(rate):
    y = np.asarray(Dropout(rate, seed=3)(X, training=True))
    q = 1 - rate
    n = X.size
    kept = (y > 0).mean()
    assert abs(kept - q) < 4 * math.sqrt(q * rate / n)  # 4 standard errors
    np.testing.assert_allclose(y[y > 0], 1 / q, rtol=1e-6)  # kept units scaled by 1/q
    assert abs(y.mean() - 1.0) < 4 * math.sqrt(rate / q / n)


def test_inverted_dropout_is_identity_at_inference_like_keras():
    x = np.random.default_rng(0).normal(size=(5, 7)).astype("float32")
    np.testing.assert_array_equal(Dropout(0.4)(x), x)
    np.testing.assert_array_equal(Dropout(0.4)(x), keras.layers.Dropout(0.4)(x))


def test_keras_dropout_has_the_same_statistics():
    ours = np.asarray(Dropout(0.3, seed=1)(X, training=True))
    theirs = np.asarray(keras.layers.Dropout(0.3, seed=1)(X, training=True))
    assert abs((ours > 0).mean() - (theirs > 0).mean()) < 0.01
    np.testing.assert_allclose(np.unique(ours), np.unique(theirs), rtol=1e-6)


@pytest.mark.parametrize("rate", [0.1, 0.5])
def test_classic_dropout_scales_by_keep_probability_at_inference(rate):
    """The notes say 'scale by p'; the expectation-preserving factor is q = 1 - p."""
    layer = Dropout(rate, inverted=False, seed=0)
    train = np.asarray(layer(X, training=True))
    np.testing.assert_allclose(np.unique(train), [0.0, 1.0])  # no scaling while training
    infer = np.asarray(layer(X, training=False))
    np.testing.assert_allclose(infer, 1 - rate, rtol=1e-6)
    assert abs(train.mean() - infer.mean()) < 0.01


def test_mc_dropout_stays_active_at_inference():
    layer = Dropout(0.5, mc=True, seed=0)
    a, b = np.asarray(layer(X)), np.asarray(layer(X))
    assert 0.45 < (a > 0).mean() < 0.55
    assert not np.array_equal(a, b)


def test_noise_shape_shares_the_mask_along_none_free_axes():
    x = np.ones((4, 10, 3), "float32")
    y = np.asarray(Dropout(0.5, noise_shape=(None, 1, 3), seed=2)(x, training=True))
    assert np.all(y == y[:, :1, :])  # one mask per (example, channel), broadcast over axis 1


def test_same_seed_gives_same_mask():
    a = np.asarray(Dropout(0.5, seed=7)(X, training=True))
    b = np.asarray(Dropout(0.5, seed=7)(X, training=True))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_invalid_rate(rate):
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\), got"):
        Dropout(rate)


def test_rate_must_be_a_number():
    with pytest.raises(TypeError, match="rate"):
        Dropout("0.5")


def test_survival_probability_matches_the_notes_and_sums_to_one():
    assert round(dropout_survival_probability(20, 14, 0.3), 4) == 0.1916
    total = sum(dropout_survival_probability(10, k, 0.2) for k in range(11))
    assert math.isclose(total, 1.0)
    expected_active = sum(k * dropout_survival_probability(10, k, 0.2) for k in range(11))
    assert math.isclose(expected_active, 8.0)


@pytest.mark.parametrize("args,match", [((5, 6, 0.2), "k"), ((5, 2, 1.2), "rate"), ((-1, 0, 0.2), "n")])
def test_survival_probability_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        dropout_survival_probability(*args)
