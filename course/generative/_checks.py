"""Argument checks shared by the generative models: image shapes, seeds and class labels.

Each raises `ValueError`/`TypeError` naming the argument and the accepted values, before the
model changes any state; labels are checked at call time (a label outside ``[0, num_classes)``
would otherwise decode with an all-zero one-hot or read an arbitrary embedding row).
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from course.validation import check_number


def check_image_shape(name, shape, multiple=1):
    """`shape` as a tuple (height, width, channels) of positive ints, height and width divisible
    by `multiple` (the networks halve the resolution that many times)."""
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(
            f"{name} must be a (height, width, channels) tuple, got {shape!r}"
        ) from None
    if len(dims) != 3:
        raise ValueError(f"{name} must be (height, width, channels), got {shape!r}")
    dims = tuple(int(check_number(f"{name}[{i}]", d, 1, integer=True)) for i, d in enumerate(dims))
    if dims[0] % multiple or dims[1] % multiple:
        raise ValueError(f"{name} {dims!r}: height and width must be divisible by {multiple}")
    return dims


def check_seed(seed):
    """`seed` must be None (a random seed) or a non-negative int; returns it."""
    if seed is not None:
        check_number("seed", seed, 0, integer=True)
    return seed


def check_labels(labels, num_classes, name="labels"):
    """Integer class labels as an int32 tensor of shape (batch,), all in ``[0, num_classes)``.

    Concrete labels raise `ValueError` at once (also for fractional values); inside a traced
    graph the same range is enforced by `tf.debugging` assertions when the step runs.
    """
    accepted = f"{name} must be integer classes in [0, {num_classes - 1}]"
    if isinstance(labels, keras.KerasTensor):  # symbolic build: nothing to check yet
        return ops.reshape(ops.cast(labels, "int32"), (-1,))
    if tf.executing_eagerly():
        values = np.asarray(labels).reshape(-1)
        if values.dtype.kind not in "iuf" or (
            values.size
            and (
                values.min() < 0
                or values.max() >= num_classes
                or np.any(values != np.round(values))
            )
        ):
            raise ValueError(f"{accepted}, got {np.unique(values)[:10]!r}")
        return ops.convert_to_tensor(values.astype("int32"))
    labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
    with tf.control_dependencies(
        [
            tf.debugging.assert_non_negative(labels, message=accepted),
            tf.debugging.assert_less(labels, num_classes, message=accepted),
        ]
    ):
        return tf.identity(labels)
