"""The parity path: each row is the parameters after one more optimizer step."""

import keras
import numpy as np
import pytest

from course.optim.parity import regression_trajectory


def _gradient(w, b, x, y):
    """d/d(w, b) of mean((x w + b - y)^2) + 0.1 sum(sin(3 w)), by hand."""
    residual = 2 * (x @ w + b - y) / y.size
    return x.T @ residual + 0.3 * np.cos(3 * w), residual.sum(axis=0)


def test_first_sgd_step_is_the_closed_form_gradient_step():
    rng = np.random.default_rng(0)  # the draws regression_trajectory makes for seed 0
    x, y = rng.normal(size=(16, 5)), rng.normal(size=(16, 3))
    w, b = rng.normal(size=(5, 3)), rng.normal(size=(3,))
    gw, gb = _gradient(w, b, x.astype("float32"), y.astype("float32"))
    path = regression_trajectory(keras.optimizers.SGD(0.1), steps=3)
    assert path.shape == (3, 18)
    np.testing.assert_allclose(
        path[0], np.concatenate([(w - 0.1 * gw).ravel(), b - 0.1 * gb]), atol=1e-5
    )
    assert not np.allclose(path[1], path[0])


def test_steps_are_validated():
    with pytest.raises(ValueError, match="steps"):
        regression_trajectory(keras.optimizers.SGD(0.1), steps=0)
