"""Solutions to the exercises of notebooks/session07/07_overfitting_and_regularization.ipynb, each
written as a test that asserts the outcome the exercise asks the student to predict or find."""

import keras
import numpy as np
import pytest

from course import optim
from course.layers import Dropout, dropout_survival_probability


def test_exercise1_ten_units_p_point_one():
    x = np.full((1, 10_000), 3.0, "float32")
    layer = Dropout(0.1, seed=0)
    out = np.asarray(layer(x, training=True))
    assert 10 * layer.keep_prob == pytest.approx(9.0)  # expected active
    assert np.unique(out[out > 0]) == pytest.approx(
        [3.0 / 0.9], rel=1e-6
    )  # 3.33, inverted training time
    assert float(np.asarray(Dropout(0.1, inverted=False)(x[:, :1]))[0, 0]) == pytest.approx(
        2.7, rel=1e-6
    )
    assert dropout_survival_probability(10, 10, 0.1) == pytest.approx(0.9**10)  # 0.3487


@pytest.mark.parametrize("rate", [0.5, 0.2])
def test_exercise2_mean_and_variance_of_dropout_noise(rate):
    q = 1 - rate
    out = np.asarray(Dropout(rate, seed=1)(np.ones((1, 100_000), "float32"), training=True))
    assert out.mean() == pytest.approx(1.0, abs=0.01)  # E[m / q] = 1
    assert out.var() == pytest.approx(1 / q - 1, rel=0.03)  # E[m / q^2] - 1 = 1/q - 1


def settle(optimizer, gradient, steps):
    """Run `optimizer` on one weight starting at 1.0 with gradient(w); return the final weight."""
    w = keras.Variable([1.0])
    for _ in range(steps):
        optimizer.apply_gradients([(gradient(w.value), w)])
    return float(w.numpy()[0])


def test_exercise3_where_sgd_and_adam_settle():
    fixed_point = 0.3 / 1.1  # 2 (w - 0.3) + 0.2 w = 0

    def task(w):
        return 2 * (w - 0.3)

    def penalised(w):
        return 2 * (w - 0.3) + 2 * 0.1 * w

    assert settle(optim.SGD(0.1, weight_decay=0.2), task, steps=100) == pytest.approx(
        fixed_point, abs=1e-5
    )
    assert settle(optim.SGD(0.1), penalised, steps=100) == pytest.approx(fixed_point, abs=1e-5)
    adam_l2 = settle(optim.Adam(0.01), penalised, steps=300)
    adamw = settle(optim.AdamW(0.01, weight_decay=0.2), task, steps=300)
    assert adam_l2 == pytest.approx(fixed_point, abs=1e-3)  # Adam still finds the penalised optimum
    assert abs(adamw - adam_l2) > 1e-2  # decoupled decay is not the L2 penalty under Adam


def test_exercise4_mc_dropout_mean_and_spread():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(1, 64)).astype("float32"), rng.normal(size=(64, 3)).astype("float32")
    layer = Dropout(0.5, mc=True, seed=0)
    passes = np.stack([np.asarray(layer(x, training=False)) @ w for _ in range(200)])[:, 0]
    deterministic = (np.asarray(Dropout(0.5)(x, training=False)) @ w)[0]
    np.testing.assert_array_equal(deterministic, (x @ w)[0])  # plain inference: the identity
    std = passes.std(axis=0)
    assert np.all(std > 0.5)  # only MC dropout gives a spread
    assert np.all(
        np.abs(passes.mean(axis=0) - deterministic) < 4 * std / np.sqrt(200)
    )  # the mean agrees
