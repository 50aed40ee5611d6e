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


@pytest.mark.parametrize(
    "args,match", [((5, 6, 0.2), "k"), ((5, 2, 1.2), "rate"), ((-1, 0, 0.2), "n")]
)
def test_survival_probability_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        dropout_survival_probability(*args)


def test_dropout_is_built_at_instantiation_like_keras():
    ours = Dropout(0.5)
    assert ours.built == keras.layers.Dropout(0.5).built is True
    assert ours.weights == []


@pytest.mark.parametrize(
    "noise_shape,error,match",
    [
        ("abc", TypeError, "noise_shape"),
        (5, TypeError, "noise_shape"),
        ((20, 1.5, 10), TypeError, r"noise_shape\[1\]"),
        ((20, 0, 10), ValueError, r"noise_shape\[1\]"),
        ((20, -1, 10), ValueError, r"noise_shape\[1\]"),
    ],
)
def test_invalid_noise_shape(noise_shape, error, match):
    with pytest.raises(error, match=match):
        Dropout(0.5, noise_shape=noise_shape)


def test_noise_shape_of_the_wrong_rank_is_reported_at_call():
    with pytest.raises(
        ValueError, match=r"noise_shape=\(None, 1\) must have one entry per input axis"
    ):
        Dropout(0.5, noise_shape=(None, 1))(np.ones((2, 3, 4), "float32"), training=True)


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"rate": float("nan")}, ValueError, "rate"),
        ({"rate": float("inf")}, ValueError, "rate"),
        ({"rate": 0.5, "seed": "seven"}, TypeError, "seed"),
        ({"rate": 0.5, "seed": 1.5}, TypeError, "seed"),
        ({"rate": 0.5, "inverted": "no"}, ValueError, "inverted"),
        ({"rate": 0.5, "mc": 1.5}, ValueError, "mc"),
    ],
)
def test_invalid_rate_or_seed(kwargs, error, match):
    with pytest.raises(error, match=match):
        Dropout(**kwargs)


def test_nan_rate_no_longer_turns_the_output_into_nan():
    with pytest.raises(ValueError, match="rate must be a number in"):
        Dropout(float("nan"))


@pytest.mark.parametrize("dtype", ["uint8", "int32"])
def test_integer_inputs_are_refused_in_training_like_keras(dtype):
    """Keras refuses them too; before, uint8 turned q = 0.5 into 0 and divided by it."""
    x = np.full((2, 6), 10, dtype)
    with pytest.raises(ValueError):
        keras.layers.Dropout(0.5)(x, training=True)
    for layer in (Dropout(0.5), Dropout(0.5, inverted=False)):
        with pytest.raises(TypeError, match=f"float tensor.*got dtype {dtype}"):
            layer(x, training=True)


def test_classic_dropout_refuses_integer_inputs_at_inference():
    """Scaling by q = 0.7 cannot be held by an int32 tensor (before, it silently returned 0s)."""
    with pytest.raises(TypeError, match="got dtype int32"):
        Dropout(0.3, inverted=False)(np.full((2, 3), 10, "int32"))


def test_inverted_dropout_passes_integer_inputs_through_at_inference_like_keras():
    x = np.arange(6, dtype="int32").reshape(2, 3)
    ours, theirs = Dropout(0.3)(x), keras.layers.Dropout(0.3)(x)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_survival_probability_for_many_units_matches_the_central_binomial_closed_form():
    """C(2m, m) / 4^m = (1 - 1/(8m) + O(1/m^2)) / sqrt(pi m); before, 100000 units overflowed."""
    m = 50000
    expected = (1 - 1 / (8 * m)) / math.sqrt(math.pi * m)
    assert math.isclose(dropout_survival_probability(2 * m, m, 0.5), expected, rel_tol=1e-9)


@pytest.mark.parametrize(
    "n,k,rate",
    [
        (100000, 70000, 0.3),
        (100000, 69000, 0.3),
        (5000, 10, 0.999),
        (20, 14, 0.3),
        (1, 1, 0.5),
        (7, 0, 0.2),
    ],
)
def test_survival_probability_matches_scipy(n, k, rate):
    from scipy.stats import binom

    assert math.isclose(
        dropout_survival_probability(n, k, rate), binom.pmf(k, n, 1 - rate), rel_tol=1e-8
    )


@pytest.mark.parametrize(
    "n,k,rate,expected",
    [(5, 5, 0.0, 1.0), (5, 4, 0.0, 0.0), (5, 0, 1.0, 1.0), (5, 1, 1.0, 0.0), (0, 0, 0.4, 1.0)],
)
def test_survival_probability_without_randomness(n, k, rate, expected):
    assert dropout_survival_probability(n, k, rate) == expected
