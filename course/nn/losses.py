"""Loss functions written from their formulas, each checked against its `keras.losses` twin.

Every loss returns one value per example: the per-output terms are combined over the last axis
by `aggregate` ("mean" as Keras does, "sum" as in the notes' summed one-vs-rest BCE, or "none").
Probabilities are clipped to [eps, 1 - eps] with eps = `keras.config.epsilon()` like Keras.

Focal loss conventions (Lin et al. 2017): FL = -alpha_t (1 - p_t)^gamma log(p_t).
- `focal_loss(alpha=a)` weights positives by a and negatives by 1 - a; it equals
  `keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=a)`.
  ``alpha=None`` drops the weighting and equals Keras' default ``apply_class_balancing=False``
  (Keras ignores its own `alpha` then, although the paper's default is alpha = 0.25).
- `categorical_focal_loss` uses one scalar alpha for every class, as
  `keras.losses.CategoricalFocalCrossentropy` does (no per-class alpha_t).
"""

import keras
from keras import ops

from course.validation import check_choice, check_number

AGGREGATES = ("mean", "sum", "none")


def _prepare(y_true, y_pred):
    """Float tensors of equal shape, or a ValueError naming both shapes."""
    y_pred = ops.convert_to_tensor(y_pred)
    if "float" not in str(y_pred.dtype):
        y_pred = ops.cast(y_pred, "float32")
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
    a, b = tuple(y_true.shape), tuple(y_pred.shape)
    if len(a) != len(b) or any(i is not None and j is not None and i != j for i, j in zip(a, b)):
        raise ValueError(
            f"y_true and y_pred must have the same shape; got y_true.shape={a} and y_pred.shape={b}"
        )
    return y_true, y_pred


def _aggregate(terms, aggregate):
    check_choice("aggregate", aggregate, AGGREGATES)
    if aggregate == "none":
        return terms
    return ops.mean(terms, axis=-1) if aggregate == "mean" else ops.sum(terms, axis=-1)


def _clip(p):
    eps = keras.config.epsilon()
    return ops.clip(p, eps, 1.0 - eps)


def smooth_labels(y_true, label_smoothing, kind="categorical"):
    """Soften hard targets: categorical y(1-ls) + ls/K, binary y(1-ls) + ls/2 (towards 0.5).

    `label_smoothing` must be in [0, 1): at 1 every target becomes uniform and the label is
    gone (Keras accepts 1; we reject it).
    """
    check_number("label_smoothing", label_smoothing, 0, 1, high_open=True)
    check_choice("kind", kind, ("categorical", "binary"))
    y_true = ops.convert_to_tensor(y_true)
    if "float" not in str(y_true.dtype):
        y_true = ops.cast(y_true, "float32")
    if kind == "binary":
        return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]


def mse(y_true, y_pred, aggregate="mean"):
    """Mean squared error (1/n) sum (y - y_hat)^2: regression; large errors dominate."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return _aggregate((y_true - y_pred) ** 2, aggregate)


def mae(y_true, y_pred, aggregate="mean"):
    """Mean absolute error (1/n) sum |y - y_hat|: regression, robust to outliers."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return _aggregate(ops.abs(y_true - y_pred), aggregate)


def _bce_terms(y_true, y_pred, from_logits):
    """Element-wise -[t log p + (1 - t) log(1 - p)]; from logits via the stable softplus form."""
    if from_logits:  # -[t log s(z) + (1-t) log(1-s(z))] = max(z,0) - t z + log(1 + e^-|z|)
        return ops.maximum(y_pred, 0.0) - y_true * y_pred + ops.log1p(ops.exp(-ops.abs(y_pred)))
    p = _clip(y_pred)
    return -(y_true * ops.log(p) + (1.0 - y_true) * ops.log(1.0 - p))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, aggregate="mean"):
    """-[t log y + (1 - t) log(1 - y)] per output (pair it with sigmoid outputs)."""
    check_number("label_smoothing", label_smoothing, 0, 1, high_open=True)
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing, "binary")
    return _aggregate(_bce_terms(y_true, y_pred, from_logits), aggregate)


def _probabilities(y_pred, from_logits):
    """Softmax of logits, or probabilities renormalised to sum to 1 and clipped (as Keras)."""
    if from_logits:
        return ops.softmax(y_pred, axis=-1)
    return _clip(y_pred / ops.sum(y_pred, axis=-1, keepdims=True))


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """-sum_i t_i log y_i over the last axis (pair it with a softmax head)."""
    check_number("label_smoothing", label_smoothing, 0, 1, high_open=True)
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing, "categorical")
    if from_logits:  # log softmax without forming tiny probabilities
        log_p = y_pred - ops.logsumexp(y_pred, axis=-1, keepdims=True)
    else:
        log_p = ops.log(_probabilities(y_pred, False))
    return -ops.sum(y_true * log_p, axis=-1)


def hinge(y_true, y_pred, aggregate="mean"):
    """max(0, 1 - t * y) with t in {-1, 1}; 0/1 labels are mapped to -1/1 as Keras does."""
    y_true, y_pred = _prepare(y_true, y_pred)
    binary = ops.all(ops.logical_or(ops.equal(y_true, 0.0), ops.equal(y_true, 1.0)))
    y_true = ops.where(binary, 2.0 * y_true - 1.0, y_true)
    return _aggregate(ops.maximum(1.0 - y_true * y_pred, 0.0), aggregate)


def _check_focal(alpha, gamma, label_smoothing):
    check_number("gamma", gamma, 0)
    if alpha is not None:
        check_number("alpha", alpha, 0, 1)
    check_number("label_smoothing", label_smoothing, 0, 1, high_open=True)


def focal_loss(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, aggregate="mean"
):
    """Binary focal loss -alpha_t (1 - p_t)^gamma log p_t: down-weights easy examples.

    gamma = 0 and alpha = None give plain BCE. alpha weights positives (negatives get 1 - alpha);
    ``alpha=None`` means no weighting. See the module docstring for the Keras correspondence.
    """
    _check_focal(alpha, gamma, label_smoothing)
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing, "binary")
    p = _clip(ops.sigmoid(y_pred) if from_logits else y_pred)
    p_t = y_true * p + (1.0 - y_true) * (1.0 - p)
    terms = (1.0 - p_t) ** gamma * _bce_terms(y_true, p, False)
    if alpha is not None:
        terms = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * terms
    return _aggregate(terms, aggregate)


def categorical_focal_loss(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0
):
    """Multi-class focal loss -sum_k alpha (1 - p_k)^gamma t_k log p_k over a softmax head."""
    if alpha is None:
        raise ValueError(
            "alpha must be a number in [0, 1] for the categorical focal loss, got None"
        )
    _check_focal(alpha, gamma, label_smoothing)
    y_true, y_pred = _prepare(y_true, y_pred)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing, "categorical")
    p = _probabilities(y_pred, from_logits)
    return -ops.sum(alpha * (1.0 - p) ** gamma * y_true * ops.log(_clip(p)), axis=-1)


def summed_binary_crossentropy(y_true, y_pred):
    """The notes' one-vs-rest loss: the sum (not the mean) of one BCE per output."""
    return binary_crossentropy(y_true, y_pred, aggregate="sum")


LOSSES = {
    "mse": mse,
    "mae": mae,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "hinge": hinge,
    "focal_loss": focal_loss,
    "categorical_focal_loss": categorical_focal_loss,
}
