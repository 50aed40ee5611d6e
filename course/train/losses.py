"""Loss wrapping for the built-in step: any loss kept unreduced, and the running mean of the loss.

The step divides the summed per-example loss by the GLOBAL batch size itself, so the loss must
reach it unreduced (one value per example, and per time step if any).
"""

import keras
import tensorflow as tf


class LossMean(keras.metrics.Metric):
    """Running mean of the step loss, weighted by each step's global batch size."""

    def __init__(self, name="loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, weighted_total, count):
        self.total.assign_add(tf.cast(weighted_total, self.total.dtype))
        self.count.assign_add(tf.cast(count, self.count.dtype))

    def result(self):
        return tf.math.divide_no_nan(self.total, self.count)


class PerExampleLoss(keras.losses.Loss):
    """A loss function kept unreduced: one value per example (and per time step, if any)."""

    def __init__(self, fn, name=None):
        super().__init__(reduction=None, name=name or getattr(fn, "__name__", "loss"))
        self.fn = fn

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred)


def per_example_loss(loss):
    """Turn a loss name, function or `keras.losses.Loss` into an unreduced `Loss`."""
    if loss is None:
        raise ValueError(
            "loss must be given (a name such as 'sparse_categorical_crossentropy', "
            "a function or a keras.losses.Loss) unless the model defines train_step"
        )
    if isinstance(loss, str):
        try:
            obj = keras.losses.get(loss)
        except ValueError as error:
            raise ValueError(
                f"loss must be the name of a Keras loss such as 'sparse_categorical_crossentropy' "
                f"or 'mse', a function or a keras.losses.Loss; got {loss!r}"
            ) from error
    else:
        obj = loss
    if isinstance(obj, keras.losses.Loss):
        return type(obj).from_config({**obj.get_config(), "reduction": None})
    if callable(obj):
        return PerExampleLoss(obj)
    raise TypeError(f"loss must be a name, a function or a keras.losses.Loss, got {loss!r}")


def is_sparse(loss):
    """True for losses that take integer class labels against per-class predictions."""
    return "sparse" in (getattr(loss, "name", "") + type(loss).__name__).lower()
