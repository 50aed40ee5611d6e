"""Initialization (symmetry, variance through depth), residual blocks and gradient flow, and
normalization at small batch sizes."""

import keras
import numpy as np
import pytest

from course.experiments import residual as R
from course.experiments import small_batch_norm as S
from course.experiments import symmetry
from course.models import residual_mlp
from course.nn import initialization as I

RNG = np.random.default_rng(0)
X = RNG.normal(size=(32, 6)).astype("float32")
Y = np.eye(3, dtype="float32")[RNG.integers(0, 3, 32)]


def test_equal_weights_give_identical_gradients_and_stay_equal():
    model = symmetry.symmetric_network(6, 5, 3, value=0.3)
    grads = symmetry.hidden_unit_gradients(model, X, Y)
    assert grads.shape == (6, 5) and np.abs(grads).max() > 1e-4
    assert symmetry.unit_spread(grads) < 1e-7
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="categorical_crossentropy")
    model.fit(X, Y, epochs=5, batch_size=8, verbose=0)
    assert symmetry.unit_spread(model.layers[0].kernel.numpy()) < 1e-6  # symmetry never breaks


def test_random_weights_give_different_gradients():
    grads = symmetry.hidden_unit_gradients(symmetry.symmetric_network(6, 5, 3, value=None), X, Y)
    assert symmetry.unit_spread(grads) > 1e-3


@pytest.mark.parametrize("name", I.INITS)
def test_keras_initializers_have_the_documented_std(name):
    w = np.asarray(I.initializer(name, seed=1, normal_std=0.5)((400, 200)))
    assert w.std() == pytest.approx(I.init_std(name, 400, 200, normal_std=0.5), rel=0.03, abs=1e-12)


def test_unknown_initializer_raises():
    with pytest.raises(ValueError, match="name"):
        I.initializer("orthogonal")


def test_variance_through_depth_matches_theory():
    sweep = I.variance_sweep(depth=50, width=64, batch=128)
    assert not np.any(sweep[("tanh", "zeros")]) and not np.any(sweep[("relu", "zeros")])
    assert sweep[("relu", "normal")][-1] < 1e-60  # small random weights: signal dies
    assert sweep[("relu", "glorot")][-1] < 1e-10  # Glorot halves ReLU variance per layer
    assert 0.1 < sweep[("relu", "he")][-1] < 10  # He keeps it of order 1
    assert 1e-3 < sweep[("tanh", "glorot")][-1] < sweep[("tanh", "glorot")][0]
    assert sweep[("tanh", "normal")][-1] < 1e-60


def test_skips_keep_early_gradients_alive_in_a_deep_sigmoid_mlp():
    x = RNG.normal(size=(64, 8)).astype("float32")
    y = np.eye(4, dtype="float32")[RNG.integers(0, 4, 64)]
    plain = R.gradient_norms(residual_mlp(8, 4, depth=20, residual=False), x, y)
    skip = R.gradient_norms(residual_mlp(8, 4, depth=20, residual=True), x, y)
    assert plain.shape == skip.shape == (20,)
    assert plain[0] < 1e-6 * plain[-1]  # vanishing: sigma' <= 0.25 at every layer
    assert skip[0] > 0.1 * skip[-1]


def test_small_batches_hurt_batchnorm_only():
    x = RNG.normal(2.0, 3.0, size=(128, 8)).astype("float32")
    rows = {(r["kind"], r["batch_size"]): r for r in S.small_batch_table(x, batch_sizes=(2, 64))}
    bn2, bn64 = rows[("batch", 2)], rows[("batch", 64)]
    assert bn2["batch_dependence"] > 3 * bn64["batch_dependence"] > 0
    assert bn2["train_inference_gap"] > 3 * bn64["train_inference_gap"]
    for kind in ("layer", "group"):
        for b in (2, 64):
            assert rows[(kind, b)]["batch_dependence"] < 1e-5
            assert rows[(kind, b)]["train_inference_gap"] < 1e-6


def test_batch_of_two_normalises_every_feature_to_plus_minus_one():
    layer = S.make_norm("batch")
    v = RNG.uniform(1, 10, size=8).astype("float32")
    x = np.stack([v, -v]) * RNG.choice([-1, 1], size=8).astype("float32")  # |d| >= 1 per feature
    out = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(np.abs(out), 1.0, atol=1e-3)  # |d| / sqrt(d^2 + eps)


def test_invalid_kind_and_batch_size():
    with pytest.raises(ValueError, match="kind"):
        S.make_norm("instance")
    with pytest.raises(ValueError, match="batch_size"):
        S.batch_dependence("batch", X, batch_size=1)


def test_layer_and_group_norm_score_the_same_in_both_modes():
    x = RNG.normal(size=(96, 8)).astype("float32")
    y = RNG.integers(0, 3, 96)
    for kind in ("layer", "group"):
        r = S.train_with_norm(kind, x, y, x, y, batch_size=4, steps=10)
        assert r["inference"] == r["batch_stats"]
        # 96 items in batches of 4: every item is scored, so the per-item record is the accuracy.
        assert r["correct"].shape == (96,) and r["correct"].mean() == pytest.approx(r["inference"])


@pytest.mark.parametrize(
    ("build", "arg"),
    [
        (lambda: symmetry.symmetric_network(0, 5, 3), "n_inputs"),
        (lambda: symmetry.symmetric_network(6, 5, 0), "num_classes"),
        (lambda: S.norm_mlp(0, 3, "layer"), "n_inputs"),
        (lambda: S.norm_mlp(8, 0, "layer"), "num_classes"),
        (lambda: S.norm_mlp(8, 3, "instance"), "kind"),
    ],
)
def test_model_builders_name_the_argument_the_caller_passed(build, arg):
    """They build through course.models.mlp, whose own argument names must not leak out."""
    with pytest.raises(ValueError, match=rf"^{arg} "):
        build()
