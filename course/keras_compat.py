"""The one place where `course` touches private Keras attributes, each behind a small accessor.

Keras may rename a private attribute in any release; `tests/test_keras_compat.py` checks every
name used here against the installed Keras, so a rename fails one test instead of silently
changing behaviour somewhere in the library.
"""


def build_at_init(layer):
    """Mark a weightless layer built in its `__init__`, as Keras' own stateless layers are,
    unless a subclass overrides `build` (then building waits for the first call)."""
    layer._build_at_init()


def learning_rate_object(optimizer):
    """The learning rate as the optimizer keeps it: a schedule, or the variable of a float
    (the public `optimizer.learning_rate` evaluates a schedule instead)."""
    return optimizer._learning_rate


def variable_index(optimizer, variable):
    """Position of `variable` in the optimizer's variable list (the index of its slots)."""
    return optimizer._get_variable_index(variable)


def uses_weight_decay(optimizer, variable):
    """Whether `variable` is decayed: False when `exclude_from_weight_decay` named it."""
    return optimizer._use_weight_decay(variable)


def autocasts(variable):
    """Whether reading `variable` inside a mixed-precision layer casts it to the compute dtype."""
    return variable._autocast


class DecayInUpdateStep:
    """Optimizer mixin that turns off the weight decay Keras' base class applies before calling
    `update_step` (its `_apply_weight_decay` hook), for optimizers that decay inside it."""

    def _apply_weight_decay(self, variables):
        """Disabled: the subclass decays each variable in its own `update_step`."""


def optimizer_strategy(optimizer):
    """The `tf.distribute` strategy a (TensorFlow-backend) optimizer was created under."""
    return optimizer._distribution_strategy


def sublayers(model):
    """Every layer nested anywhere inside `model` (not `model` itself), depth first."""
    return list(model._flatten_layers(include_self=False))


def image_preprocessing_layer():
    """Keras' base class of its image augmentation layers (not exported by `keras.layers`):
    subclasses implement `get_random_transformation` and `transform_images`/`_labels`/
    `_segmentation_masks`, and its `call` routes images, dicts and single images to them."""
    from keras.src.layers.preprocessing.image_preprocessing import base_image_preprocessing_layer

    return base_image_preprocessing_layer.BaseImagePreprocessingLayer
