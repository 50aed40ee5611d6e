"""RMSprop, written like `keras.optimizers.RMSprop`.

    s <- rho * s + (1 - rho) * g^2
    step = lr * g / sqrt(s + eps)         (centered: sqrt(s - mean_g^2 + eps))
    w <- w - step                          (momentum: m <- momentum * m + step; w <- w - m)
Here the notes and Keras agree: epsilon sits inside the square root.
"""

import keras
from keras import ops

from course.optim._base import CourseOptimizer, check_beta
from course.validation import check_choice, check_number


@keras.saving.register_keras_serializable(package="course")
class RMSprop(CourseOptimizer):
    """Divide the step by a running RMS of the gradient; same arguments and config as Keras'.

    Args:
        learning_rate: float >= 0, a `LearningRateSchedule` or a callable.
        rho: decay of the squared-gradient average, in [0, 1).
        momentum: in [0, 1]; 0 disables the momentum buffer.
        epsilon: > 0, added to the average inside the square root.
        centered: divide by an estimate of the gradient's variance instead of its raw second
            moment (one more slot per variable).
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, use_ema, name, ...).

    Call arguments (`apply_gradients`, as for any Keras optimizer):
        grads_and_vars: pairs of gradient and variable; `update_step` moves each variable.
    """

    def __init__(
        self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs
    ):
        rho = check_beta("rho", rho)
        momentum = float(check_number("momentum", momentum, 0, 1))
        epsilon = float(check_number("epsilon", epsilon, 0, low_open=True))
        check_choice("centered", centered, (False, True))
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = bool(centered)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.slots(var_list, "velocity")
        self._momentums = self.slots(var_list, "momentum") if self.momentum else []
        self._average_gradients = self.slots(var_list, "average_gradient") if self.centered else []

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        self.decay(variable, lr)
        s = self.slot(self._velocities, variable)
        self.assign(s, self.rho * s + (1 - self.rho) * ops.square(g))
        if self.centered:
            mean_g = self.slot(self._average_gradients, variable)
            self.assign(mean_g, self.rho * mean_g + (1 - self.rho) * g)
            denominator = s - ops.square(mean_g) + self.epsilon
        else:
            denominator = s + self.epsilon
        step = lr * g / ops.sqrt(denominator)
        if self.momentum:
            m = self.slot(self._momentums, variable)
            self.assign(m, self.momentum * m + step)
            step = m
        self.assign_sub(variable, step)

    def get_config(self):
        config = super().get_config()
        config.update(
            rho=self.rho, momentum=self.momentum, epsilon=self.epsilon, centered=self.centered
        )
        return config
