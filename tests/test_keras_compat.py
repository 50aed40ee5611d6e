"""Every private Keras attribute `course.keras_compat` relies on still exists and still means
what the accessor says; a Keras release that renames or repurposes one fails here."""

import keras
import numpy as np
import pytest

from course import keras_compat


@pytest.mark.parametrize(
    "owner,name",
    [
        (keras.optimizers.Optimizer, "_get_variable_index"),
        (keras.optimizers.Optimizer, "_use_weight_decay"),
        (keras.optimizers.Optimizer, "_apply_weight_decay"),
        (keras.layers.Layer, "_build_at_init"),
    ],
)
def test_private_methods_exist(owner, name):
    assert callable(getattr(owner, name, None)), (
        f"Keras {keras.__version__} has no {owner.__name__}.{name}"
    )


def test_variable_index_is_the_position_in_the_built_variable_list():
    a, b = keras.Variable(np.zeros(2, "float32")), keras.Variable(np.zeros(3, "float32"))
    optimizer = keras.optimizers.SGD()
    optimizer.build([a, b])
    assert [keras_compat.variable_index(optimizer, v) for v in (b, a)] == [1, 0]


def test_uses_weight_decay_honours_exclusions():
    kernel, bias = (
        keras.Variable(np.ones(2), name="kernel"),
        keras.Variable(np.ones(2), name="bias"),
    )
    optimizer = keras.optimizers.SGD(weight_decay=0.1)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    optimizer.build([kernel, bias])
    assert keras_compat.uses_weight_decay(optimizer, kernel)
    assert not keras_compat.uses_weight_decay(optimizer, bias)


def test_autocasts_reads_the_constructor_flag():
    assert keras_compat.autocasts(keras.Variable(np.ones(2)))
    assert not keras_compat.autocasts(keras.Variable(np.ones(2), autocast=False))


def test_learning_rate_object_is_the_schedule_or_the_rate_variable():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    assert keras_compat.learning_rate_object(keras.optimizers.Adam(schedule)) is schedule
    rate = keras_compat.learning_rate_object(keras.optimizers.Adam(0.25))
    assert isinstance(rate, keras.Variable) and float(rate.numpy()) == 0.25


class _SGDWithoutBuiltinDecay(keras_compat.DecayInUpdateStep, keras.optimizers.SGD):
    """Keras' SGD, whose own `update_step` never decays, minus the base-class decay."""


def test_decay_in_update_step_switches_off_the_base_class_decay():
    """Keras' SGD with weight_decay=0.5 and lr=1 halves w on a zero gradient; the mixin stops it,
    which proves Keras still applies weight decay through the hook the mixin overrides."""
    builtin, mixed = (
        keras.Variable(np.array([2.0], "float32")),
        keras.Variable(np.array([2.0], "float32")),
    )
    keras.optimizers.SGD(1.0, weight_decay=0.5).apply_gradients([(np.zeros(1, "float32"), builtin)])
    _SGDWithoutBuiltinDecay(1.0, weight_decay=0.5).apply_gradients(
        [(np.zeros(1, "float32"), mixed)]
    )
    np.testing.assert_allclose(builtin.numpy(), [1.0])
    np.testing.assert_allclose(mixed.numpy(), [2.0])


class _Stateless(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        keras_compat.build_at_init(self)

    def call(self, inputs):
        return inputs


class _StatelessWithBuild(_Stateless):
    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones")


def test_build_at_init_builds_unless_build_is_overridden():
    assert _Stateless().built
    layer = _StatelessWithBuild()
    assert not layer.built
    layer(np.ones((1, 2), "float32"))
    assert layer.built and len(layer.weights) == 1


def test_optimizer_strategy_is_the_strategy_it_was_created_under():
    import tensorflow as tf

    assert keras_compat.optimizer_strategy(keras.optimizers.SGD()) is tf.distribute.get_strategy()
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    with strategy.scope():
        optimizer = keras.optimizers.SGD()
    assert keras_compat.optimizer_strategy(optimizer) is strategy


def test_sublayers_lists_nested_layers_but_not_the_model():
    inner = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2, name="inner_dense")], name="inner"
    )
    outer = keras.Sequential(
        [keras.Input((3,)), inner, keras.layers.Dense(1, name="head")], name="outer"
    )
    names = [
        layer.name
        for layer in keras_compat.sublayers(outer)
        if not isinstance(layer, keras.layers.InputLayer)
    ]
    assert names == ["inner", "inner_dense", "head"]
