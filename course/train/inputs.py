"""The trainer's data: arrays or datasets turned into batched datasets, counted, and checked
against the model before the first step (both shapes in the message when they do not fit)."""

import keras
import numpy as np
import tensorflow as tf

from course.train.losses import is_sparse
from course.validation import check_number


def as_dataset(data, batch_size, name):
    """`data` as a batched `tf.data.Dataset`: a dataset as is, an ``(x, y[, w])`` tuple of
    arrays batched by `batch_size` in order."""
    check_number("batch_size", batch_size, 1, integer=True)
    if isinstance(data, tf.data.Dataset):
        if data.element_spec is None or not tf.nest.flatten(data.element_spec):
            raise ValueError(f"{name} yields no tensors")
        return data
    if isinstance(data, tuple) and data and all(hasattr(a, "shape") for a in data):
        lengths = [a.shape[0] if len(a.shape) else None for a in data]
        if None in lengths or len(set(lengths)) > 1:
            parts = ", ".join(
                f"{n} {'(a scalar)' if length is None else length}"
                for n, length in zip(("x", "y", "sample_weight"), lengths)
            )
            raise ValueError(
                f"{name}: the arrays of the tuple must have the same length (one row per "
                f"example), got {parts}"
            )
        return tf.data.Dataset.from_tensor_slices(data).batch(batch_size)
    raise TypeError(
        f"{name} must be a batched tf.data.Dataset or an (x, y) tuple of arrays, "
        f"got {type(data).__name__}"
    )


def check_class_labels(data, loss, model, name):
    """For a sparse loss on an ``(x, y)`` tuple of arrays, refuse targets that are not class
    indices of the model's outputs before anything trains: TensorFlow casts 0.5 to class 0 without
    a word, and reports a label of 7 for 5 outputs as a graph error (on a GPU it yields NaN)."""
    if not (is_sparse(loss) and isinstance(data, tuple) and len(data) >= 2):
        return
    outputs = getattr(model, "outputs", None)
    classes = outputs[0].shape[-1] if outputs and len(outputs) == 1 else None
    y = np.asarray(data[1])
    if y.size == 0 or not np.issubdtype(y.dtype, np.number):
        return
    if not np.array_equal(y, np.round(y)):
        bad = float(y[y != np.round(y)].flat[0])
        raise ValueError(
            f"{name}: the targets must be class indices (whole numbers) for the sparse loss "
            f"{loss.name}, got {bad!r}; one-hot or soft targets need a non-sparse loss"
        )
    if y.min() < 0 or (classes is not None and y.max() >= classes):
        accepted = f"[0, {classes})" if classes is not None else ">= 0"
        raise ValueError(
            f"{name}: the targets must be class indices in {accepted} for a model with "
            f"{classes} outputs, got labels from {y.min()} to {y.max()}"
        )


def count_batches(dataset, name="data"):
    """The number of batches in one pass over a finite `dataset`; raises if it is empty."""
    cardinality = int(dataset.cardinality())
    if cardinality == tf.data.INFINITE_CARDINALITY:
        raise ValueError(f"steps_per_epoch must be given for an infinite (repeated) dataset {name}")
    if cardinality == tf.data.UNKNOWN_CARDINALITY:
        cardinality = int(dataset.reduce(np.int64(0), lambda count, _: count + 1))
    if cardinality == 0:
        raise ValueError(f"{name} is empty: the dataset yields no batches")
    return cardinality


def check_fits_model(model, element_spec, loss):
    """Fail before the first step, with both shapes, if the data does not fit the model.

    Returns the target and prediction shapes (None, None for several outputs).
    """
    x_spec, y_spec, _ = keras.utils.unpack_x_y_sample_weight(element_spec)
    if y_spec is None:
        raise ValueError(
            f"the dataset yields only inputs {x_spec}; the built-in step needs (x, y) "
            "pairs (a model without targets must define its own train_step)"
        )
    if getattr(model, "inputs", None):
        for tensor, spec in zip(model.inputs, tf.nest.flatten(x_spec)):
            if not tf.TensorShape(tensor.shape[1:]).is_compatible_with(spec.shape[1:]):
                raise ValueError(
                    f"model/data shape mismatch: the model expects inputs of shape "
                    f"{tuple(tensor.shape)}, the dataset yields {tuple(spec.shape)}"
                )
    dummy_x = tf.nest.map_structure(_dummy, x_spec)
    try:
        y_pred = model(dummy_x, training=False)
    except Exception as error:  # the model's own message says which layer refused the input
        raise ValueError(
            f"model/data shape mismatch: the model cannot take inputs of shape "
            f"{_shapes(x_spec)} from the dataset: {error}"
        ) from error
    y_pred = tf.nest.map_structure(lambda t: tf.cast(t, tf.float32), y_pred)
    if not isinstance(y_pred, tf.Tensor) or not isinstance(y_spec, tf.TensorSpec):
        return None, None  # several outputs: the loss checks its own structure at the first step
    y_true_shape, y_pred_shape = tuple(y_spec.shape), tuple(y_pred.shape)
    if (
        not is_sparse(loss)
        and len(y_true_shape) >= 2
        and y_true_shape[-1] not in (None, 1, y_pred_shape[-1])
    ):
        raise ValueError(
            f"model/data shape mismatch: the model outputs {(None,) + y_pred_shape[1:]}, "
            f"the targets have shape {y_true_shape} (loss {loss.name})"
        )
    try:
        loss(tf.nest.map_structure(_dummy, y_spec), y_pred)
    except Exception as error:
        raise ValueError(
            f"model/data shape mismatch: loss {loss.name} cannot compare targets of shape "
            f"{y_true_shape} with model outputs of shape {(None,) + y_pred_shape[1:]}: {error}"
        ) from error
    return y_true_shape, y_pred_shape


def _dummy(spec):
    shape = [2 if d is None else d for d in spec.shape]
    return tf.zeros(shape, spec.dtype)


def _shapes(spec):
    return [tuple(s.shape) for s in tf.nest.flatten(spec)]
