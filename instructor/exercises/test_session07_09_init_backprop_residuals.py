"""Solutions to the exercises of notebooks/session07/09_init_backprop_residuals.ipynb, each written
as a test that asserts the outcome the exercise asks the student to predict or find."""

import keras
import numpy as np
import pytest

from course.nn import backprop
from course.nn import initialization as init


def test_exercise1_linear_chain():
    hand, tape = backprop.linear_chain_gradient([1.0, 2.0, 3.0], x=2.0)
    expected = [
        2.0 * 3.0 * 2.0,
        1.0 * 3.0 * 2.0,
        1.0 * 2.0 * 2.0,
    ]  # product of the other weights, times x
    np.testing.assert_allclose(hand, expected)
    np.testing.assert_allclose(tape, expected)


def test_exercise2_batchnorm_and_layernorm_shapes():
    x = np.random.default_rng(0).normal(size=(16, 8, 8, 32)).astype("float32")
    bn = keras.layers.BatchNormalization()
    y = np.asarray(bn(x, training=True))
    assert tuple(bn.moving_mean.shape) == (32,)  # one per channel
    assert int(np.prod(x.shape[:-1])) == 1024  # 16 x 8 x 8 values per batch mean
    np.testing.assert_allclose(y.mean(axis=(0, 1, 2)), 0, atol=1e-4)
    ln = keras.layers.LayerNormalization(axis=[1, 2, 3])
    z = np.asarray(ln(x))
    assert tuple(ln.gamma.shape) == (8, 8, 32)  # per-element affine, stats per example
    np.testing.assert_allclose(
        z.mean(axis=(1, 2, 3)), 0, atol=1e-4
    )  # 8 x 8 x 32 = 2048 values each


def test_exercise3_variance_per_layer():
    linear = init.activation_variance("he", "linear", depth=10, width=256)
    assert linear[-1] == pytest.approx(2.0**10, rel=0.25)  # x2 per layer
    relu = init.activation_variance("he", "relu", depth=10, width=256)
    # He preserves E[h^2] = 1 for ReLU; the variance is 1 - E[h]^2 = 1 - 1/pi
    assert relu[-1] == pytest.approx(1 - 1 / np.pi, rel=0.2)


def tanh_sweep(gain, depth=50, width=256, batch=512, seed=0):
    """Layer-50 variance and mean tanh' of the last pre-activations with Var(W) = gain^2 /
    fan_in."""
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((batch, width))
    for _ in range(depth):
        z = h @ (gain / np.sqrt(width) * rng.standard_normal((width, width)))
        h = np.tanh(z)
    return h.var(), np.mean(1 - np.tanh(z) ** 2)


def test_exercise4_tanh_gain():
    (v1, d1), (v2, d2), (v3, d3) = (tanh_sweep(g) for g in (1.0, np.sqrt(2.0), 5.0 / 3.0))
    assert v1 < v2 < v3  # larger gain, larger variance kept
    assert v1 < 0.05 and v3 > 0.3  # gain 1 keeps decaying; 5/3 settles at order 1
    assert d1 > d2 > d3  # the cost: more saturation, smaller local slopes


def batchnorm_call(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
    """The notebook's BatchNorm call with an inference branch that uses the moving statistics."""
    axes = tuple(range(x.ndim - 1))
    if not training:
        return (
            gamma * (x - moving_mean) / np.sqrt(moving_var + epsilon) + beta,
            moving_mean,
            moving_var,
        )
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    y = gamma * (x - mean) / np.sqrt(var + epsilon) + beta
    return (
        y,
        momentum * moving_mean + (1 - momentum) * mean,
        momentum * moving_var + (1 - momentum) * var,
    )


def test_exercise5_batchnorm_inference():
    rng = np.random.default_rng(0)
    layer = keras.layers.BatchNormalization(momentum=0.5)
    moving_mean, moving_var = np.zeros(3), np.ones(3)
    for _ in range(3):
        x = (rng.normal(size=(8, 5, 5, 3)) * 2 + 1).astype("float32")
        layer(x, training=True)
        _, moving_mean, moving_var = batchnorm_call(
            x, 1.0, 0.0, moving_mean, moving_var, True, momentum=0.5
        )
    x = (rng.normal(size=(4, 5, 5, 3)) * 2 + 1).astype("float32")
    ours, _, _ = batchnorm_call(x, 1.0, 0.0, moving_mean, moving_var, False)
    np.testing.assert_allclose(ours, np.asarray(layer(x, training=False)), atol=1e-5)
    training_mode, _, _ = batchnorm_call(x, 1.0, 0.0, moving_mean, moving_var, True)
    assert (
        np.abs(training_mode - ours).max() > 0.05
    )  # the two modes differ: the running averages lag
