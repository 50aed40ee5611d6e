"""Shared base of the from-scratch optimizers: argument checks and decoupled weight decay.

Keras' base class decays every variable before calling `update_step`; ours do it inside
`update_step` (one visible line, `decay`), which is the same arithmetic in the same order.
"""

import keras
from keras import ops

from course.keras_compat import DecayInUpdateStep, uses_weight_decay, variable_index
from course.validation import check_learning_rate, check_number


def check_optional_positive(name, value):
    """None, or a number > 0 (clip thresholds)."""
    return None if value is None else float(check_number(name, value, 0, low_open=True))


def check_beta(name, value):
    """An exponential-average factor in [0, 1)."""
    return float(check_number(name, value, 0, 1, high_open=True))


class CourseOptimizer(DecayInUpdateStep, keras.optimizers.Optimizer):
    """Keras `Optimizer` that validates the shared arguments and leaves weight decay to `decay`.

    Subclasses implement `build` (slots via `add_variable_from_reference`) and `update_step`,
    calling ``self.decay(variable, lr)`` first.
    """

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        **kwargs,
    ):
        learning_rate = check_learning_rate(learning_rate)
        if weight_decay is not None:
            weight_decay = float(check_number("weight_decay", weight_decay, 0))
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=check_optional_positive("clipnorm", clipnorm),
            clipvalue=check_optional_positive("clipvalue", clipvalue),
            global_clipnorm=check_optional_positive("global_clipnorm", global_clipnorm),
            **kwargs,
        )

    def decay(self, variable, learning_rate):
        """Decoupled weight decay (Loshchilov & Hutter): w <- w - lr * weight_decay * w.

        It shrinks the weights directly instead of adding an L2 term to the loss, so with an
        adaptive optimizer the shrinkage is not divided by sqrt(v). Variables excluded with
        `exclude_from_weight_decay` are skipped.
        """
        if self.weight_decay is None or not uses_weight_decay(self, variable):
            return
        wd = ops.cast(self.weight_decay, variable.dtype)
        self.assign(variable, variable - variable * wd * learning_rate)

    def slots(self, var_list, name):
        """One zero-initialised slot per model variable, shaped like it."""
        return [self.add_variable_from_reference(v, name) for v in var_list]

    def slot(self, slots, variable):
        """The slot of `slots` that belongs to `variable`."""
        return slots[variable_index(self, variable)]
