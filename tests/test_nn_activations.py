"""Activations: values against keras.activations, analytic derivatives against tf.GradientTape,
and the comparison table's measured numbers against closed forms."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course.experiments import activation_table
from course.nn import activations as act

X = np.concatenate([np.linspace(-6, 6, 97), [-30.0, -0.01, 0.01, 30.0]]).astype("float64")
X = X[X != 0]  # kinks (relu family) have no derivative at 0

KERAS_TWINS = {
    "linear": keras.activations.linear,
    "sigmoid": keras.activations.sigmoid,
    "tanh": keras.activations.tanh,
    "relu": keras.activations.relu,
    "leaky_relu": keras.activations.leaky_relu,
    "gelu": keras.activations.gelu,
    "swish": keras.activations.silu,
    "softplus": keras.activations.softplus,
}


@pytest.mark.parametrize("name", sorted(KERAS_TWINS))
def test_values_match_keras(name):
    ours = act.get(name)(X.astype("float32"))
    theirs = KERAS_TWINS[name](tf.constant(X, tf.float32))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_leaky_relu_slope_and_gelu_tanh_approximation_match_keras():
    x = tf.constant(X, tf.float32)
    np.testing.assert_allclose(
        act.leaky_relu(x, 0.05), keras.activations.leaky_relu(x, 0.05), atol=1e-6
    )
    np.testing.assert_allclose(
        act.gelu(x, approximate=True),
        keras.activations.gelu(x, approximate=True),
        rtol=1e-5,
        atol=1e-6,
    )


def test_prelu_matches_keras_layer():
    layer = keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(0.3))
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(act.prelu(x, 0.3), layer(x), atol=1e-7)


def test_softmax_matches_keras_and_is_stable():
    logits = np.random.default_rng(1).normal(0, 3, size=(8, 6)).astype("float32")
    np.testing.assert_allclose(act.softmax(logits), keras.activations.softmax(logits), atol=1e-6)
    big = act.softmax(np.array([[1000.0, 0.0]]))
    np.testing.assert_allclose(big, [[1.0, 0.0]])


def _tape_derivative(fn, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x).numpy()


CASES = [(name, {}) for name in ("linear", "sigmoid", "tanh", "relu", "gelu", "swish", "softplus")]
CASES += [
    ("leaky_relu", {"negative_slope": 0.1}),
    ("prelu", {"alpha": 0.3}),
    ("gelu", {"approximate": True}),
    ("swish", {"beta": 1.7}),
]


@pytest.mark.parametrize("name,kwargs", CASES)
def test_derivative_matches_autodiff(name, kwargs):
    analytic = act.derivative(name)(X, **kwargs)
    taped = _tape_derivative(lambda x: act.get(name)(x, **kwargs), X)
    np.testing.assert_allclose(analytic, taped, rtol=1e-9, atol=1e-12)


def test_softmax_jacobian_matches_autodiff():
    logits = tf.constant(np.random.default_rng(2).normal(size=(3, 5)))
    with tf.GradientTape() as tape:
        tape.watch(logits)
        s = act.softmax(logits)
    taped = tape.batch_jacobian(s, logits).numpy()
    analytic = np.asarray(act.derivative("softmax")(logits))
    assert analytic.shape == (3, 5, 5)
    np.testing.assert_allclose(analytic, taped, atol=1e-12)
    np.testing.assert_allclose(analytic.sum(axis=1), 0.0, atol=1e-12)  # outputs always sum to 1


def test_relu_derivative_at_zero_follows_tensorflow():
    assert (
        float(act.derivative("relu")(np.array([0.0]))[0])
        == _tape_derivative(tf.nn.relu, np.array([0.0]))[0]
    )


def test_unknown_name_and_bad_slope_raise():
    with pytest.raises(ValueError, match="name"):
        act.derivative("sigmoidd")
    with pytest.raises(ValueError, match="negative_slope"):
        act.leaky_relu([1.0], negative_slope=-1)


def test_comparison_table_measures_the_notes_claims():
    rows = {r.name: r for r in activation_table.comparison_table()}
    sig = rows["sigmoid"]
    assert sig.range == "(0, 1)" and sig.max_slope == pytest.approx(0.25) and sig.argmax_slope == 0
    assert max(sig.tail_slopes) < 1e-4  # vanishes at the tails
    assert rows["tanh"].range == "(-1, 1)" and rows["tanh"].max_slope == pytest.approx(1.0)
    assert abs(rows["tanh"].mean_output) < 0.01 < rows["sigmoid"].mean_output  # zero-centred
    assert rows["relu"].range == "[0, inf)" and rows["relu"].tail_slopes == (0.0, 1.0)
    assert rows["leaky_relu"].range == "(-inf, inf)"
    assert rows["softplus"].range == "(0, inf)"
    assert rows["softmax"].range == "(0, 1)" and "sum to 1" in rows["softmax"].note
    assert rows["gelu"].low == pytest.approx(-0.16997, abs=1e-4) and rows["gelu"].low_closed
    assert rows["swish"].low == pytest.approx(-0.27846, abs=1e-4)
    assert all(r.autodiff_error < 1e-12 for r in rows.values())
    assert "| sigmoid | 1/(1+e^-x) | (0, 1) |" in activation_table.format_table(rows.values())
