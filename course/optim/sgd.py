"""Stochastic gradient descent with optional (Nesterov) momentum, written like
`keras.optimizers.SGD`.

Keras keeps a velocity that already contains the minus sign and the learning rate:
    v <- momentum * v - lr * g;   w <- w + v                      (heavy ball)
    w <- w + momentum * v - lr * g  (after updating v)           (Nesterov)
The notes write v <- gamma * v + eta * g; w <- w - v: the same trajectory with v_notes = -v_keras.
"""

import keras
from keras import ops

from course.optim._base import CourseOptimizer
from course.validation import check_choice, check_number


@keras.saving.register_keras_serializable(package="course")
class SGD(CourseOptimizer):
    """Plain, momentum or Nesterov gradient descent; same arguments and config as Keras' `SGD`.

    Args:
        learning_rate: float >= 0, a `LearningRateSchedule` or a callable.
        momentum: in [0, 1]; 0 is vanilla gradient descent.
        nesterov: use Nesterov's look-ahead momentum.
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, use_ema, name, ...).

    Call arguments (`apply_gradients`, as for any Keras optimizer):
        grads_and_vars: pairs of gradient and variable; `update_step` moves each variable.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        momentum = float(check_number("momentum", momentum, 0, 1))
        check_choice("nesterov", nesterov, (False, True))
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.nesterov = bool(nesterov)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = self.slots(var_list, "momentum") if self.momentum else []

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        self.decay(variable, lr)
        if not self.momentum:
            self.assign_sub(variable, g * lr)  # w <- w - lr * g
            return
        v = self.slot(self.momentums, variable)
        mu = ops.cast(self.momentum, variable.dtype)
        self.assign(v, v * mu - g * lr)
        self.assign_add(variable, v * mu - g * lr if self.nesterov else v)

    def get_config(self):
        config = super().get_config()
        config.update(momentum=self.momentum, nesterov=self.nesterov)
        return config
