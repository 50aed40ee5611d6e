"""L1/L2 weight penalties from scratch, as a Keras `Regularizer` equal to `keras.regularizers.L1L2`.

The penalty l1 * sum|w| + l2 * sum w^2 is added to the loss. Its gradient, l1 * sign(w) +
2 * l2 * w, pushes weights towards zero: L1 at a constant rate (so many become exactly zero,
a sparse model), L2 in proportion to their size (shrinkage). For plain SGD an L2 penalty of
l2 equals decoupled weight decay of 2 * l2; for Adam it does not (see `course.optim.AdamW`).
"""

import keras
from keras import ops

from course.validation import check_number


@keras.saving.register_keras_serializable(package="course")
class L1L2(keras.regularizers.Regularizer):
    """Penalty l1 * sum(|w|) + l2 * sum(w^2) on a layer's kernel; both factors >= 0."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = float(check_number("l1", l1, 0))
        self.l2 = float(check_number("l2", l2, 0))

    def __call__(self, x):
        penalty = ops.zeros((), x.dtype)
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(ops.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


def l1(factor=0.01):
    """An L1-only penalty (sparsity)."""
    return L1L2(l1=factor)


def l2(factor=0.01):
    """An L2-only penalty (shrinkage)."""
    return L1L2(l2=factor)
