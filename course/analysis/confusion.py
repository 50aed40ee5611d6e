"""Per-class error analysis: predicted labels, the confusion matrix, per-class accuracy and the
most confused pairs of classes."""

import numpy as np

from course.validation import check_callable, check_examples, check_number


def predict_labels(model, x, batch_size=256):
    """Predicted class indices of a Keras model or any callable returning scores, batch by batch.

    Scores of shape (N, C) are arg-maxed; a single column is a probability thresholded at 0.5.
    Keras models go through `predict_on_batch` (several times faster than `predict` on small
    arrays, which a sweep calls dozens of times).
    """
    check_callable("model", model, "a keras.Model or a function of an input batch")
    check_number("batch_size", batch_size, 1, integer=True)
    x = check_examples("x", x)
    inputs = getattr(model, "inputs", None)
    if inputs and len(inputs) == 1 and x.ndim != len(inputs[0].shape):
        raise ValueError(
            f"x must have the model's input rank {len(inputs[0].shape)} "
            f"(shape {tuple(inputs[0].shape)}), got shape {x.shape}"
        )
    call = getattr(model, "predict_on_batch", model)
    scores = np.concatenate(
        [np.asarray(call(x[i : i + batch_size])) for i in range(0, len(x), batch_size)]
    )
    if scores.ndim == 1 or scores.shape[-1] == 1:
        return (scores.reshape(-1) > 0.5).astype("int64")
    return scores.argmax(axis=-1).astype("int64")


def confusion_matrix(y_true, y_pred, num_classes):
    """Counts (num_classes, num_classes): row = true class, column = predicted class."""
    check_number("num_classes", num_classes, 1, integer=True)
    y_true = check_examples("y_true", y_true).astype("int64")
    y_pred = check_examples("y_pred", y_pred).astype("int64")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}"
        )
    return np.bincount(y_true * num_classes + y_pred, minlength=num_classes**2).reshape(
        num_classes, num_classes
    )


def per_class_accuracy(y_true, y_pred, num_classes):
    """Accuracy (recall) of each true class; NaN for a class absent from y_true."""
    cm = confusion_matrix(y_true, y_pred, num_classes)
    support = cm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(support > 0, np.diag(cm) / support, np.nan)


def most_confused(cm, class_names=None, k=5):
    """The `k` largest off-diagonal cells as (true name, predicted name, count), largest first."""
    check_number("k", k, 1, integer=True)
    cm = check_examples("cm", cm, ndim=2)
    if cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square confusion matrix, got shape {cm.shape}")
    names = list(class_names) if class_names is not None else [str(i) for i in range(len(cm))]
    off = cm * (1 - np.eye(len(cm), dtype=cm.dtype))
    order = np.argsort(off, axis=None, kind="stable")[::-1][:k]
    pairs = [np.unravel_index(i, cm.shape) for i in order]
    return [(names[t], names[p], int(off[t, p])) for t, p in pairs if off[t, p] > 0]
