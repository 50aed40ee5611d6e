"""From-scratch neuron/MLP against Keras Dense, backprop by hand against the tape, and XOR."""

import keras
import numpy as np
import pytest

from course.experiments import xor
from course.models import keras_mlp
from course.nn import backprop
from course.nn.mlp import MLP, dense, neuron


def test_neuron_is_weighted_sum_plus_bias_through_activation():
    out = neuron([1.0, 2.0, -1.0], [0.5, -0.25, 1.0], 0.5, activation="relu")
    assert float(out) == 0.0  # 0.5 - 0.5 - 1 + 0.5 = -0.5 -> relu -> 0
    out = neuron([1.0, 2.0, -1.0], [0.5, -0.25, 1.0], 0.5, activation="linear")
    assert float(out) == pytest.approx(-0.5)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "gelu"])
def test_mlp_matches_keras_dense_stack_with_same_weights(activation):
    mlp = MLP((5, 16, 8, 3), activation=activation, head="softmax", seed=1)
    x = np.random.default_rng(0).normal(size=(10, 5)).astype("float32")
    model = keras_mlp(mlp)
    np.testing.assert_allclose(mlp(x), model(x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.sum(mlp(x), axis=-1), 1.0, atol=1e-6)
    assert mlp.parameter_count() == model.count_params() == 5 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3


def test_mlp_from_keras_copies_weights():
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(6, activation="tanh"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    x = np.random.default_rng(1).normal(size=(7, 4)).astype("float32")
    mlp = MLP.from_keras(model)
    assert mlp.activations == ["tanh", "softmax"]
    np.testing.assert_allclose(mlp(x), model(x), rtol=1e-5, atol=1e-6)


def test_dense_uses_transposed_notes_layout():
    w_notes = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])  # (out=3, in=2): W.x
    x = np.array([1.0, -1.0])
    np.testing.assert_allclose(dense(x[None], w_notes.T, np.zeros(3)), (w_notes @ x)[None])


def test_mlp_rejects_bad_sizes():
    with pytest.raises(ValueError, match="sizes"):
        MLP((4,))
    with pytest.raises(ValueError, match="activation"):
        MLP((4, 2), activation="sine")


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "gelu", "softplus"])
def test_chain_rule_gradients_equal_tape(activation):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(8, 4))
    y = np.eye(3)[rng.integers(0, 3, 8)]
    params = backprop.init_two_layer(4, 5, 3, seed=2)
    hand = backprop.chain_rule_gradients(x, y, params, activation)
    tape = backprop.tape_gradients(x, y, params, activation)
    for name in backprop.PARAM_NAMES:
        np.testing.assert_allclose(hand[name], tape[name], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(hand["dz2"], hand["dz2_shortcut"], atol=1e-12)


def test_identity_chain_gradients_are_products_of_the_other_weights():
    hand, tape = backprop.linear_chain_gradient([2.0, -3.0, 0.5, 0.0], x=1.5)
    np.testing.assert_allclose(hand, tape)
    assert hand == [0.0, 0.0, 0.0, 2.0 * -3.0 * 0.5 * 1.5]


def test_linear_stack_cannot_solve_xor_and_collapses_to_one_matrix():
    keras.utils.set_random_seed(0)
    model = xor.linear_stack(depth=3, seed=0)
    acc = xor.train(model)
    assert acc <= 0.75
    kernel, bias = xor.collapse(model)
    assert kernel.shape == (2, 1)
    one_layer = 1.0 / (1.0 + np.exp(-(xor.XOR_X @ kernel + bias)))
    np.testing.assert_allclose(one_layer, np.asarray(model(xor.XOR_X)), atol=1e-6)
    assert xor.best_linear_accuracy() == 0.75


def test_one_hidden_relu_layer_solves_xor():
    keras.utils.set_random_seed(0)
    assert xor.train(xor.relu_network(seed=0)) == 1.0


def test_linear_stack_names_its_own_width_argument():
    """It builds through course.models.mlp, whose `hidden` must not appear in the error."""
    with pytest.raises(ValueError, match=r"^width "):
        xor.linear_stack(depth=3, width=0)
