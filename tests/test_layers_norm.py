"""The from-scratch normalisation layers equal Keras' built-ins (training and inference)."""
import keras
import numpy as np
import pytest

from course.layers import BatchNorm, GroupNorm, LayerNorm

TOL = 1e-5
CASES = [((16, 6), -1), ((4, 5, 5, 8), -1), ((4, 8, 5, 5), 1), ((6, 3, 4), -2)]


def _data(shape, seed=0):
    return np.random.default_rng(seed).normal(2.0, 3.0, size=shape).astype("float32")


def _randomise_affine(ours, theirs, seed=1):
    """Give both layers the same non-trivial gamma/beta so the affine step is exercised."""
    rng = np.random.default_rng(seed)
    for name in ("gamma", "beta"):
        value = rng.normal(size=getattr(ours, name).shape).astype("float32")
        getattr(ours, name).assign(value)
        getattr(theirs, name).assign(value)


@pytest.mark.parametrize("shape,axis", CASES)
def test_batchnorm_matches_keras_over_several_updates(shape, axis):
    ours, theirs = BatchNorm(axis=axis, momentum=0.9), keras.layers.BatchNormalization(axis=axis, momentum=0.9)
    ours.build(shape)
    theirs.build(shape)
    _randomise_affine(ours, theirs)
    for step in range(4):
        x = _data(shape, seed=step)
        np.testing.assert_allclose(ours(x, training=True), theirs(x, training=True), atol=TOL)
    np.testing.assert_allclose(ours.moving_mean, theirs.moving_mean, atol=TOL)
    np.testing.assert_allclose(ours.moving_variance, theirs.moving_variance, atol=TOL)
    x = _data(shape, seed=9)
    np.testing.assert_allclose(ours(x, training=False), theirs(x, training=False), atol=TOL)


def test_batchnorm_uses_square_root_of_variance():
    """The notes divide by (var + eps); the right formula divides by sqrt(var + eps)."""
    x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]], "float32")
    y = np.asarray(BatchNorm(epsilon=1e-3)(x, training=True))[:, 0]
    expected = (x[:, 0] - 3.0) / np.sqrt(2.0 + 1e-3)
    np.testing.assert_allclose(y, expected, atol=1e-6)
    assert abs(y.var() - 1.0) < 1e-3


def test_batchnorm_frozen_runs_in_inference_mode():
    layer = BatchNorm()
    x = _data((8, 3))
    layer.build(x.shape)
    layer.trainable = False
    y = layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean, 0.0)
    np.testing.assert_allclose(y, x / np.sqrt(1.0 + 1e-3), rtol=1e-6)


def test_batchnorm_statistics_are_non_trainable_weights():
    layer = BatchNorm()
    layer.build((None, 4))
    assert {w.name for w in layer.trainable_weights} == {"gamma", "beta"}
    assert {w.name for w in layer.non_trainable_weights} == {"moving_mean", "moving_variance"}


@pytest.mark.parametrize("shape,axis", CASES + [((4, 5, 6), [1, 2])])
def test_layernorm_matches_keras(shape, axis):
    ours, theirs = LayerNorm(axis=axis), keras.layers.LayerNormalization(axis=axis)
    x = _data(shape)
    ours.build(shape)
    theirs.build(shape)
    _randomise_affine(ours, theirs)
    np.testing.assert_allclose(ours(x), theirs(x), atol=TOL)


@pytest.mark.parametrize("shape,axis,groups", [((16, 6), -1, 3), ((4, 5, 5, 8), -1, 4),
                                              ((4, 8, 5, 5), 1, 2), ((2, 4, 4, 6), -1, -1)])
def test_groupnorm_matches_keras(shape, axis, groups):
    ours, theirs = GroupNorm(groups=groups, axis=axis), keras.layers.GroupNormalization(groups=groups, axis=axis)
    x = _data(shape)
    ours.build(shape)
    theirs.build(shape)
    _randomise_affine(ours, theirs)
    np.testing.assert_allclose(ours(x, training=True), theirs(x, training=True), atol=TOL)
    np.testing.assert_allclose(ours(x), theirs(x), atol=TOL)


@pytest.mark.parametrize("make,match", [
    (lambda: BatchNorm(epsilon=0.0), "epsilon"),
    (lambda: BatchNorm(epsilon=-1e-3), "epsilon"),
    (lambda: BatchNorm(momentum=1.5), "momentum"),
    (lambda: BatchNorm(momentum=-0.1), "momentum"),
    (lambda: LayerNorm(epsilon=0), "epsilon"),
    (lambda: LayerNorm(axis=[]), "axis"),
    (lambda: GroupNorm(groups=0), "groups"),
    (lambda: GroupNorm(epsilon=-1.0), "epsilon"),
])
def test_invalid_constructor_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("layer", [BatchNorm(axis=3), LayerNorm(axis=-4), GroupNorm(groups=2, axis=5)])
def test_axis_out_of_range_is_reported_with_value(layer):
    with pytest.raises(ValueError, match=r"axis=-?\d+ is out of range"):
        layer.build((2, 3, 4))


def test_groups_must_divide_channels_and_message_names_both():
    with pytest.raises(ValueError, match=r"groups=4 must divide the number of channels \(6\)"):
        GroupNorm(groups=4).build((2, 6))


@pytest.mark.parametrize("cls", [BatchNorm, LayerNorm, lambda **kw: GroupNorm(groups=2, **kw)])
def test_mixed_precision_outputs_float16_with_float32_statistics(cls):
    x = _data((8, 4))
    half, full = cls(dtype="mixed_float16"), cls()
    y = half(x, training=True)
    assert keras.ops.convert_to_tensor(y).dtype == "float16"
    np.testing.assert_allclose(np.asarray(y, "float32"), full(x, training=True), atol=1e-2)
