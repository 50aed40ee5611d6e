"""The from-scratch normalisation layers equal Keras' built-ins (training and inference)."""

import inspect

import keras
import numpy as np
import pytest

from course.layers import BatchNorm, GroupNorm, LayerNorm

TOL = 1e-5
# Batch renormalization is new in Keras 3.14; ours has it on every Keras.
KERAS_RENORM = "renorm" in inspect.signature(keras.layers.BatchNormalization.__init__).parameters
RENORM_ARGUMENTS = {"renorm", "renorm_clipping", "renorm_momentum"}
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
    ours, theirs = (
        BatchNorm(axis=axis, momentum=0.9),
        keras.layers.BatchNormalization(axis=axis, momentum=0.9),
    )
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


@pytest.mark.parametrize(
    "shape,axis,groups",
    [((16, 6), -1, 3), ((4, 5, 5, 8), -1, 4), ((4, 8, 5, 5), 1, 2), ((2, 4, 4, 6), -1, -1)],
)
def test_groupnorm_matches_keras(shape, axis, groups):
    ours, theirs = (
        GroupNorm(groups=groups, axis=axis),
        keras.layers.GroupNormalization(groups=groups, axis=axis),
    )
    x = _data(shape)
    ours.build(shape)
    theirs.build(shape)
    _randomise_affine(ours, theirs)
    np.testing.assert_allclose(ours(x, training=True), theirs(x, training=True), atol=TOL)
    np.testing.assert_allclose(ours(x), theirs(x), atol=TOL)


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: BatchNorm(epsilon=0.0), "epsilon"),
        (lambda: BatchNorm(epsilon=-1e-3), "epsilon"),
        (lambda: BatchNorm(momentum=1.5), "momentum"),
        (lambda: BatchNorm(momentum=-0.1), "momentum"),
        (lambda: LayerNorm(epsilon=0), "epsilon"),
        (lambda: LayerNorm(axis=[]), "axis"),
        (lambda: GroupNorm(groups=0), "groups"),
        (lambda: GroupNorm(epsilon=-1.0), "epsilon"),
    ],
)
def test_invalid_constructor_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "layer", [BatchNorm(axis=3), LayerNorm(axis=-4), GroupNorm(groups=2, axis=5)]
)
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


def test_batchnorm_accepts_every_keras_constructor_argument_and_mirrors_its_config():
    """Keras' full signature (renorm, renorm_clipping, renorm_momentum, synchronized, ...); on a
    Keras older than 3.14, ours adds exactly the renorm arguments."""
    keras_args = set(inspect.signature(keras.layers.BatchNormalization.__init__).parameters)
    layer = BatchNorm(
        **{
            name: keras.layers.BatchNormalization().get_config()[name]
            for name in keras_args - {"self", "kwargs"}
        }
    )
    added = set() if KERAS_RENORM else RENORM_ARGUMENTS
    assert set(layer.get_config()) == set(keras.layers.BatchNormalization().get_config()) | added


RENORM_CASES = [
    ((16, 6), -1, None),
    ((4, 5, 5, 8), -1, {"rmax": 1.3, "rmin": 0.8, "dmax": 0.4}),
    ((4, 8, 5, 5), 1, {"rmax": 2.0}),
]


@pytest.mark.skipif(
    not KERAS_RENORM, reason=f"Keras {keras.__version__} has no batch renormalization (new in 3.14)"
)
@pytest.mark.parametrize("shape,axis,clipping", RENORM_CASES)
def test_batch_renormalization_matches_keras(shape, axis, clipping):
    """Outputs, input and gamma gradients, all five statistics and inference after 4 steps."""
    import tensorflow as tf

    kwargs = dict(
        axis=axis, momentum=0.9, renorm=True, renorm_momentum=0.7, renorm_clipping=clipping
    )
    ours, theirs = BatchNorm(**kwargs), keras.layers.BatchNormalization(**kwargs)
    ours.build(shape)
    theirs.build(shape)
    _randomise_affine(ours, theirs)
    weights = tf.constant(_data(shape, seed=20))  # a loss whose gradient reaches every input
    for step in range(4):
        x = tf.constant(_data(shape, seed=step) * (1 + step))  # the scale drifts: r and d move
        grads = []
        for layer in (ours, theirs):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = layer(x, training=True)
                loss = tf.reduce_sum(y * weights)
            grads.append(tape.gradient(loss, [x, layer.gamma]))
            if layer is ours:
                y_ours = y
        np.testing.assert_allclose(y_ours, y, atol=TOL)
        for a, b in zip(*grads):
            np.testing.assert_allclose(a, b, atol=1e-4)
    for name in ("moving_mean", "moving_variance", "moving_stddev", "renorm_mean", "renorm_stddev"):
        np.testing.assert_allclose(
            getattr(ours, name), getattr(theirs, name), atol=TOL, err_msg=name
        )
    x = _data(shape, seed=9)
    np.testing.assert_allclose(ours(x, training=False), theirs(x, training=False), atol=TOL)


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: BatchNorm(renorm_momentum=1.5), "renorm_momentum"),
        (lambda: BatchNorm(renorm_clipping={"rmax": 2.0}), "renorm_clipping"),
        (lambda: BatchNorm(renorm=True, renorm_clipping={"rmin": 2.0, "rmax": 1.0}), "rmax"),
        (lambda: BatchNorm(renorm=True, renorm_clipping={"rmin": -1.0}), "rmin"),
        (lambda: BatchNorm(renorm=True, renorm_clipping={"rmin": float("nan")}), "rmin"),
        (lambda: BatchNorm(renorm=True, renorm_clipping={"scale": 1.0}), "renorm_clipping"),
        (lambda: BatchNorm(renorm="yes"), "renorm"),
        (lambda: BatchNorm(synchronized=2), "synchronized"),
        (
            lambda: BatchNorm(moving_mean_initializer="no_such_initializer"),
            "moving_mean_initializer",
        ),
        (lambda: LayerNorm(gamma_regularizer="no_such_regularizer"), "gamma_regularizer"),
        (lambda: BatchNorm(momentum=float("nan")), "momentum"),
        (lambda: LayerNorm(epsilon=float("nan")), "epsilon"),
        (lambda: GroupNorm(epsilon=float("inf")), "epsilon"),
    ],
)
def test_invalid_renorm_and_keras_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_renorm_clipping_must_be_a_dict():
    with pytest.raises(TypeError, match="renorm_clipping"):
        BatchNorm(renorm=True, renorm_clipping=[1.0, 2.0])


def _masked_batch(seed=0):
    """(batch, time, features) data whose padded steps hold large values, and its mask."""
    rng = np.random.default_rng(seed)
    x = rng.normal(1.0, 2.0, size=(6, 5, 3)).astype("float32")
    mask = rng.random((6, 5)) < 0.6
    mask[0] = False  # one fully padded example
    x[~mask] = 50.0
    return x, mask


def test_batchnorm_leaves_masked_steps_out_of_the_statistics_like_keras():
    x, mask = _masked_batch()
    ours, theirs = BatchNorm(momentum=0.5), keras.layers.BatchNormalization(momentum=0.5)
    for _ in range(2):
        np.testing.assert_allclose(
            ours(x, training=True, mask=mask), theirs(x, training=True, mask=mask), atol=TOL
        )
    np.testing.assert_allclose(ours.moving_mean, theirs.moving_mean, atol=TOL)
    np.testing.assert_allclose(ours.moving_variance, theirs.moving_variance, atol=TOL)
    kept = x[mask]  # closed form: the numpy statistics of the unpadded steps
    np.testing.assert_allclose(ours.moving_mean, 0.75 * kept.mean(0), rtol=1e-5)
    np.testing.assert_allclose(ours.moving_variance, 0.25 + 0.75 * kept.var(0), rtol=1e-5)


def test_batchnorm_masked_statistics_inside_a_model():
    """An `Embedding(mask_zero=True)` mask reaches `call` and keeps padding out of the stats."""
    tokens = np.array([[1, 2, 0, 0], [3, 0, 0, 0], [2, 3, 1, 0]])
    embed = keras.layers.Embedding(4, 2, mask_zero=True)
    norm = BatchNorm(momentum=0.0)
    model = keras.Sequential([keras.Input((4,), dtype="int32"), embed, norm])
    model(tokens, training=True)
    vectors = np.asarray(embed(tokens))[tokens > 0]
    np.testing.assert_allclose(norm.moving_mean, vectors.mean(0), atol=1e-6)
    np.testing.assert_allclose(norm.moving_variance, vectors.var(0), atol=1e-6)


def test_batchnorm_rejects_a_mask_of_the_wrong_rank():
    x, _ = _masked_batch()
    with pytest.raises(ValueError, match="mask"):
        BatchNorm()(x, training=True, mask=np.ones((6,), bool))


NORMS = [
    BatchNorm,
    LayerNorm,
    lambda **kw: GroupNorm(groups=2, **kw),
    lambda **kw: BatchNorm(renorm=True, **kw),
]


@pytest.mark.parametrize("cls", NORMS)
def test_mixed_precision_weights_are_float32_and_never_autocast(cls):
    from course.keras_compat import autocasts

    layer = cls(dtype="mixed_float16")
    layer.build((8, 4))
    assert layer.compute_dtype == "float16" and len(layer.weights) >= 2
    for weight in layer.weights:
        assert weight.dtype == "float32" and not autocasts(weight), weight.name


def _float16_exact(x):
    """`x` rounded to float16 and back, so a float16 layer and a float32 layer see equal inputs."""
    return np.asarray(x, "float16").astype("float32")


@pytest.mark.parametrize("cls", NORMS)
def test_mixed_precision_computes_in_float32(cls):
    """Inputs far from zero: float16 arithmetic would round the mean by up to 0.25, half a
    standard deviation, so x - mean would be far off; float32 arithmetic matches a float32 layer
    to the float16 rounding of the output."""
    x = _float16_exact(1000.0 + 0.5 * _data((8, 4)))
    half, full = cls(dtype="mixed_float16"), cls()
    y_half, y_full = half(x, training=True), np.asarray(full(x, training=True))
    np.testing.assert_allclose(np.asarray(y_half, "float32"), y_full, atol=4e-3)


def test_mixed_precision_batchnorm_statistics_accumulate_in_float32():
    """Moving averages read and written as float16 would carry ~1e-3 rounding errors."""
    half, full = BatchNorm(dtype="mixed_float16", momentum=0.9), BatchNorm(momentum=0.9)
    for step in range(5):
        x = _float16_exact(_data((16, 4), seed=step))
        half(x, training=True)
        full(x, training=True)
    np.testing.assert_allclose(half.moving_mean, full.moving_mean, rtol=1e-6)
    np.testing.assert_allclose(half.moving_variance, full.moving_variance, rtol=1e-6)


def test_mixed_precision_batchnorm_inference_uses_float32_statistics():
    """A running variance beyond float16's maximum (65504) still normalises correctly."""
    layer = BatchNorm(dtype="mixed_float16")
    layer.build((None, 3))
    layer.moving_mean.assign(np.full(3, 1000.0, "float32"))
    layer.moving_variance.assign(np.full(3, 70000.0, "float32"))
    x = _float16_exact(1000.0 + 300.0 * _data((5, 3)))
    expected = (x - 1000.0) / np.sqrt(70000.0 + 1e-3)
    np.testing.assert_allclose(np.asarray(layer(x), "float32"), expected, atol=2e-3)


def test_integer_inputs_are_normalised_in_float32_like_keras():
    x = np.array([[1, 4], [3, 8], [5, 0]], "int32")
    ours, theirs = BatchNorm(), keras.layers.BatchNormalization()
    y = ours(x, training=True)
    assert keras.backend.standardize_dtype(y.dtype) == "float32"
    np.testing.assert_allclose(y, theirs(x, training=True), atol=TOL)


def _uid(layer):
    """The counter Keras appends to an automatic layer name (batch_norm_3 -> 3, batch_norm -> 0)."""
    tail = layer.name.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else 0


@pytest.mark.parametrize(
    "cls,bad",
    [
        (BatchNorm, {"renorm_clipping": {"rmin": 2.0, "rmax": 1.0}, "renorm": True}),
        (BatchNorm, {"moving_variance_initializer": "no_such_initializer"}),
        (BatchNorm, {"center": "yes"}),
        (LayerNorm, {"beta_constraint": "no_such_constraint"}),
        (GroupNorm, {"scale": None}),
    ],
)
def test_a_refused_argument_is_caught_before_the_layer_exists(cls, bad):
    """Keras numbers automatic layer names in `Layer.__init__`: a check that ran after it would
    use up a number, so consecutive names prove nothing was constructed."""
    before = _uid(cls())
    with pytest.raises(ValueError, match=next(iter(bad))):
        cls(**bad)
    assert _uid(cls()) == before + 1


def test_synchronized_batchnorm_matches_keras_inside_a_strategy():
    import tensorflow as tf

    x = tf.constant(_data((8, 3)))
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        ours, theirs = (
            BatchNorm(synchronized=True),
            keras.layers.BatchNormalization(synchronized=True),
        )
    outputs = [
        strategy.run(lambda t, layer=layer: layer(t, training=True), args=(x,))
        for layer in (ours, theirs)
    ]
    np.testing.assert_allclose(*outputs, atol=TOL)
    np.testing.assert_allclose(ours.moving_variance, theirs.moving_variance, atol=TOL)
