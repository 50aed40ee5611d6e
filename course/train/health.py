"""NaN/Inf detection: the in-graph checks of the loss, the weights (which catch non-finite
gradients) and the data, and the messages that say where training went non-finite and why.

A non-finite gradient shows up as a non-finite weight right after the update (SGD, momentum,
Adam, RMSprop and every clipping propagate it), so one check of the weights after each step
catches both, at one reduction per variable. A `LossScaleOptimizer` skips steps with
non-finite (scaled) gradients by design, and then the weights stay finite, as they should.
"""

import math
import re

import keras
import numpy as np
import tensorflow as tf

_DATA_MARK = "course-check-data:"


def all_finite(tensors):
    """A scalar bool tensor: True when no tensor in `tensors` holds a NaN or an Inf.

    One sum per tensor and one test (NaN and Inf survive a sum), half the ops of testing each
    tensor: this runs after every step. A float32 sum that overflows (values near 1e38) counts
    as non-finite too; by then training has diverged anyway.
    """
    if not tensors:
        return tf.constant(True)
    sums = [tf.reduce_sum(t if t.dtype == tf.float32 else tf.cast(t, tf.float32)) for t in tensors]
    return tf.math.is_finite(tf.add_n(sums))


def watched_variables(model):
    """The floating-point variables of `model` checked after every step (weights and statistics)."""
    return [v for v in model.variables if keras.backend.is_float_dtype(v.dtype)]


def first_nonfinite(variables):
    """The path of the first variable in `variables` holding a NaN/Inf, or None."""
    for variable in variables:
        if not np.isfinite(np.asarray(variable.numpy())).all():
            return variable.path
    return None


def guard_data(dataset):
    """`dataset` with each batch checked for NaN/Inf in its floating-point tensors.

    A bad batch fails the step that would train on it (nothing is applied for it); `data_error`
    turns the error into the batch index and the tensors that hold the NaN/Inf.
    """
    spec = tf.nest.flatten(dataset.element_spec)
    floating = [i for i, s in enumerate(spec) if s.dtype.is_floating]
    if not floating:
        return dataset

    def check(index, batch):
        flat = tf.nest.flatten(batch)
        bad = tf.stack(
            [tf.logical_not(tf.reduce_all(tf.math.is_finite(flat[i]))) for i in floating]
        )
        # Only cheap tensors go into the assertion: its message is formatted only when it fails.
        with tf.control_dependencies(
            [tf.debugging.Assert(tf.logical_not(tf.reduce_any(bad)), [_DATA_MARK, index, bad])]
        ):
            return tf.nest.map_structure(tf.identity, batch)

    return dataset.enumerate().map(check)


def data_error(error, element_spec, name):
    """``(batch_index, where)`` if `error` comes from `guard_data` on a dataset with
    `element_spec` passed as argument `name`, else None."""
    found = re.search(
        re.escape(_DATA_MARK) + r"\] \[(\d+)\] \[([^\]]*)\]", str(getattr(error, "message", error))
    )
    if not found:
        return None
    names = _component_names(element_spec, name)
    floating = [n for n, s in zip(names, tf.nest.flatten(element_spec)) if s.dtype.is_floating]
    flags = found.group(2).split()
    return int(found.group(1)), " and ".join(
        n for n, f in zip(floating, flags) if f in ("1", "True", "true")
    )


def _component_names(spec, name):
    """A name per flattened tensor of a dataset element: "data inputs", "data targets #1"..."""
    labels = ("inputs", "targets", "sample weights")
    names = []
    for k, part in enumerate(spec if isinstance(spec, tuple) else (spec,)):
        label = labels[k] if k < len(labels) else f"element {k}"
        count = len(tf.nest.flatten(part))
        names += [f"{name} {label}" + (f" #{i}" if count > 1 else "") for i in range(count)]
    return names


def snapshot(variables):
    """The current values of `variables` (host copies), for `restore`."""
    return [np.array(v.numpy()) for v in variables]


def restore(variables, values):
    """Assign `values` (from `snapshot`) back to `variables`; False, changing nothing, when the
    variables are no longer the ones snapshotted (a model that created variables meanwhile)."""
    if len(variables) != len(values) or any(
        tuple(v.shape) != w.shape for v, w in zip(variables, values)
    ):
        return False
    for variable, value in zip(variables, values):
        variable.assign(value)
    return True


def label_error(error):
    """What a sparse cross-entropy's out-of-range label error says, in our words, or None."""
    found = re.search(
        r"Received a label value of (-?\d+) which is outside the valid range of \[0, (\d+)\)",
        str(getattr(error, "message", error)),
    )
    if not found:
        return None
    value, classes = found.groups()
    return (
        f"the targets must be class indices in [0, {classes}) for a model with {classes} "
        f"outputs, got label {value}"
    )


def nonfinite_message(step, epoch, loss_history, learning_rate=None, culprit=None):
    """Explain a NaN/Inf at global `step`: where it happened and its most likely cause.

    `culprit` names the first non-finite variable (e.g. "weight 'dense/kernel'") when the loss
    itself was still finite.
    """
    finite = [v for v in loss_history if math.isfinite(v)]
    lr = f" (learning rate {learning_rate:.3g})" if learning_rate is not None else ""
    if culprit is not None:
        return (
            f"{culprit} became non-finite (NaN/Inf) at step {step} (epoch {epoch + 1}) while the "
            "loss was still finite: a NaN/Inf in the inputs reaches the weights' gradients (NaN x "
            "0 is NaN) "
            "even where the forward pass drops it, e.g. in max-pooling (check_data=True names the "
            f"batch); otherwise the update overflowed: lower the learning rate{lr} or clip "
            "gradients."
        )
    where = f"Loss became non-finite (NaN/Inf) at step {step} (epoch {epoch + 1})"
    if len(finite) >= 2 and finite[-1] > 2 * max(finite[0], 1e-12):
        cause = (
            f"the loss was diverging ({finite[0]:.4g} -> {finite[-1]:.4g}) before that: the "
            f"learning rate is likely too high{lr}, or gradients exploded. Lower the learning "
            "rate, clip gradients (clipnorm/global_clipnorm) or add normalization."
        )
    elif not finite:
        cause = (
            "it was never finite: check the inputs for NaN/Inf, and the loss for log(0) or "
            "0/0 (e.g. probabilities fed to a loss with from_logits=False that reach exactly 0, "
            "or a sqrt/log of zero in a custom loss); the learning rate may also be too "
            f"high{lr}."
        )
    else:
        cause = (
            "the loss was finite and not growing, so a sudden log of zero or division by "
            "zero is the likely cause (a probability reaching 0 in a cross-entropy: use "
            "from_logits=True or clip probabilities); otherwise a learning rate too "
            f"high{lr} or a bad batch."
        )
    return f"{where}; {cause}"
