"""Hidden cases of hw4_nn and their references: closed forms from SciPy or central finite
differences of them, never our answers. The grader imports this file from the sources; it never
reaches students, the wheel or a sandbox. `hidden=False` draws the visible cases that
`scripts/build_homework_visible_cases.py` stores in the wheel."""

import numpy as np
from scipy import special

from course.homework.engine import Case


def _inputs(rng, hidden, shape=(4, 5), scale=3.0):
    """A few input arrays; the hidden run draws more and larger ones."""
    for i in range(6 if hidden else 2):
        yield rng.normal(0.0, scale * (1 + i), size=shape)


def _numeric_derivative(f, x, h=1e-5):
    """Central finite difference of an elementwise function (independent of any answer)."""
    return (f(x + h) - f(x - h)) / (2 * h)


def _sigmoid(rng, hidden=True):
    for x in _inputs(rng, hidden):
        yield Case((x,), special.expit(x), f"sigmoid on an input of shape {x.shape}")
    yield Case(
        (np.array([-800.0, 800.0]),), np.array([0.0, 1.0]), "sigmoid at +-800 (no overflow, no NaN)"
    )


def _sigmoid_grad(rng, hidden=True):
    for x in _inputs(rng, hidden, scale=1.5):
        yield Case((x,), _numeric_derivative(special.expit, x), "d sigmoid/dx", atol=1e-6)


def _tanh_grad(rng, hidden=True):
    for x in _inputs(rng, hidden, scale=1.0):
        yield Case((x,), _numeric_derivative(np.tanh, x), "d tanh/dx", atol=1e-6)


def _softmax(rng, hidden=True):
    for x in _inputs(rng, hidden):
        yield Case((x,), special.softmax(x, axis=-1), "softmax over the last axis")
    big = np.array([[1000.0, 1001.0, 1002.0]])
    yield Case(
        (big,), special.softmax(big, axis=-1), "softmax of large logits (subtract the max first)"
    )


def _cross_entropy(rng, hidden=True):
    for logits in _inputs(rng, hidden, shape=(6, 4)):
        labels = rng.integers(0, logits.shape[1], size=len(logits))
        expected = -np.mean(special.log_softmax(logits, axis=1)[np.arange(len(labels)), labels])
        yield Case((logits, labels), expected, "mean cross-entropy from logits and integer labels")


def _dense_backward(rng, hidden=True):
    for _ in range(4 if hidden else 1):
        n, d, k = rng.integers(2, 6, size=3)
        x, w, b = rng.normal(size=(n, d)), rng.normal(size=(d, k)), rng.normal(size=k)
        target = rng.normal(size=(n, k))

        def loss(x_, w_, b_, target=target):  # L = 0.5 * sum((relu(x w + b) - target)^2)
            return 0.5 * np.sum((np.maximum(x_ @ w_ + b_, 0.0) - target) ** 2)

        grads = []
        for which, param in enumerate((x, w, b)):
            g = np.zeros_like(param)
            for idx in np.ndindex(param.shape):
                step = np.zeros_like(param)
                step[idx] = 1e-6
                plus = [p + step if i == which else p for i, p in enumerate((x, w, b))]
                minus = [p - step if i == which else p for i, p in enumerate((x, w, b))]
                g[idx] = (loss(*plus) - loss(*minus)) / 2e-6
            grads.append(g)
        yield Case(
            (x, w, b, target),
            tuple(grads),
            "(dL/dx, dL/dw, dL/db) by finite differences",
            atol=1e-4,
        )


def _he_std(rng, hidden=True):
    for fan_in in rng.integers(1, 2000, size=5 if hidden else 2):
        yield Case(
            (int(fan_in),),
            np.sqrt(2.0 / fan_in),
            f"He-normal standard deviation for fan_in={fan_in}",
        )


def _glorot_limit(rng, hidden=True):
    for fan_in, fan_out in rng.integers(1, 2000, size=(5 if hidden else 2, 2)):
        # Uniform(-a, a) has variance a^2 / 3; Glorot asks for variance 2 / (fan_in + fan_out).
        yield Case(
            (int(fan_in), int(fan_out)),
            np.sqrt(3 * 2.0 / (fan_in + fan_out)),
            f"Glorot-uniform limit for fan_in={fan_in}, fan_out={fan_out}",
        )


HIDDEN = {
    "nn.sigmoid": _sigmoid,
    "nn.sigmoid_grad": _sigmoid_grad,
    "nn.tanh_grad": _tanh_grad,
    "nn.softmax": _softmax,
    "nn.cross_entropy": _cross_entropy,
    "nn.dense_backward": _dense_backward,
    "nn.he_std": _he_std,
    "nn.glorot_limit": _glorot_limit,
}
