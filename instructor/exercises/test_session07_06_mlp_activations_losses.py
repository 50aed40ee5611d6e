"""Solutions to the exercises of notebooks/session07/06_mlp_activations_losses.ipynb, each written
as a test that asserts the outcome the exercise asks the student to predict or find."""

import keras
import numpy as np
import pytest
import scipy.optimize
import tensorflow as tf

from course.nn import losses as L
from course.nn.mlp import neuron


@pytest.mark.parametrize(
    "bias, expected",
    [
        (-1.0, {"linear": 0.0, "relu": 0.0, "sigmoid": 0.5, "tanh": 0.0}),  # z = 2 - 1 - 1 = 0
        (
            1.0,
            {"linear": 2.0, "relu": 2.0, "sigmoid": 1 / (1 + np.exp(-2.0)), "tanh": np.tanh(2.0)},
        ),
    ],
)
def test_exercise1_one_neuron(bias, expected):
    for name, value in expected.items():
        assert float(neuron([2.0, -1.0], [1.0, 1.0], bias, name)) == pytest.approx(value, abs=1e-6)


def test_exercise2_best_constant_is_mean_for_mse_and_median_for_mae():
    y = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    best = {
        name: scipy.optimize.minimize_scalar(
            lambda c, loss=loss: float(loss(y, np.full_like(y, c))),
            bounds=(0, 100),
            method="bounded",
            options={"xatol": 1e-6},
        ).x
        for name, loss in (("mse", L.mse), ("mae", L.mae))
    }
    assert best["mse"] == pytest.approx(np.mean(y), abs=1e-3)  # 22
    assert best["mae"] == pytest.approx(np.median(y), abs=1e-3)  # 3


def test_exercise3_label_smoothing_ceiling():
    eps, k = 0.2, 10
    ceiling = 1 - eps + eps / k  # 0.82
    logits = tf.Variable(tf.zeros((1, k)))
    target = tf.one_hot([3], k)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=eps)
    optimizer = keras.optimizers.SGD(1.0)
    for _ in range(500):
        with tf.GradientTape() as tape:
            loss = loss_fn(target, logits)
        optimizer.apply_gradients([(tape.gradient(loss, logits), logits)])
    p = tf.nn.softmax(logits).numpy()[0]
    assert p[3] == pytest.approx(ceiling, abs=1e-3)
    gap = logits.numpy()[0, 3] - np.delete(logits.numpy()[0], 3)
    np.testing.assert_allclose(gap, np.log(ceiling / (eps / k)), atol=1e-2)  # log 41, about 3.71


def test_exercise4_the_bias_that_kills_a_relu_unit():
    w = np.random.default_rng(0).uniform(-0.2, 0.2, 64)
    worst = (w > 0).astype(float)  # maximises w.x over [0, 1]^64
    threshold = -np.sum(np.maximum(w, 0))  # dead on every input iff bias <= threshold
    for bias, alive in ((threshold - 1e-3, False), (threshold, False), (threshold + 1e-3, True)):
        assert (float(neuron(worst, w, bias, "relu")) > 0) is alive
    random_inputs = np.random.default_rng(1).uniform(0, 1, (10_000, 64))
    assert np.all(random_inputs @ w + threshold <= 0)


def huber(y, p, delta=1.0):
    """0.5 e^2 for |e| <= delta, delta (|e| - delta / 2) beyond; averaged over the last axis."""
    e = np.abs(np.asarray(y) - np.asarray(p))
    return np.mean(np.where(e <= delta, 0.5 * e**2, delta * (e - 0.5 * delta)), axis=-1)


def test_exercise5_huber_matches_keras_and_sits_between_mse_and_mae():
    rng = np.random.default_rng(0)
    y, p = rng.normal(size=(8, 5)) * 3, rng.normal(size=(8, 5))
    np.testing.assert_allclose(
        huber(y, p), keras.losses.Huber(delta=1.0, reduction=None)(y, p), rtol=1e-5
    )
    rng = np.random.default_rng(1)  # the notebook's outlier line
    x = rng.uniform(0, 1, 100)
    y_line = 3 * x + 1 + rng.normal(0, 0.1, 100)
    y_line[:10] += 20.0
    intercepts = {}
    for name, loss in (("mse", L.mse), ("mae", L.mae), ("huber", huber)):
        intercepts[name] = scipy.optimize.minimize(
            lambda wb, loss=loss: float(loss(y_line, wb[0] * x + wb[1])),
            x0=[0.0, 0.0],
            method="Nelder-Mead",
            options={"xatol": 1e-6, "fatol": 1e-9},
        ).x[1]
    assert intercepts["mae"] < intercepts["huber"] < intercepts["mse"]
    assert intercepts["huber"] - 1 < 0.5  # linear tails: each outlier pulls with force delta, not e
