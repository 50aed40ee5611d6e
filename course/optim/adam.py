"""Adam with bias correction, written like `keras.optimizers.Adam`.

    m <- beta_1 m + (1 - beta_1) g;   v <- beta_2 v + (1 - beta_2) g^2
    m_hat = m / (1 - beta_1^t);       v_hat = v / (1 - beta_2^t)
    textbook (Kingma & Ba, Alg. 1):   w <- w - lr * m_hat / (sqrt(v_hat) + eps)
Keras (and this class) use the paper's faster rearrangement (end of its section 2):
    alpha_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t);   w <- w - alpha_t * m / (sqrt(v) + eps)
which equals the textbook form with eps replaced by eps / sqrt(1 - beta_2^t): the eps given here
is the paper's eps_hat, guarding sqrt(v) rather than sqrt(v_hat). Either way epsilon only
guards the denominator: it is never added to the parameter. The notes' sqrt(v_hat + eps) puts
it inside the root, which is RMSprop's convention, not Adam's.
"""

import keras
from keras import ops

from course.optim._base import CourseOptimizer, check_beta
from course.validation import check_choice, check_number


@keras.saving.register_keras_serializable(package="course")
class Adam(CourseOptimizer):
    """Adaptive moment estimation; same arguments and config as Keras' `Adam`.

    Args:
        learning_rate: float >= 0, a `LearningRateSchedule` or a callable.
        beta_1, beta_2: decays of the first and second moment averages, in [0, 1).
        epsilon: > 0, added to sqrt(v) in the denominator.
        amsgrad: divide by the running maximum of v (AMSGrad) so steps never grow back.
        **kwargs: the base optimizer's arguments (weight_decay, clipnorm, use_ema, name, ...).

    Call arguments (`apply_gradients`, as for any Keras optimizer):
        grads_and_vars: pairs of gradient and variable; `update_step` moves each variable.
    """

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs
    ):
        beta_1, beta_2 = check_beta("beta_1", beta_1), check_beta("beta_2", beta_2)
        epsilon = float(check_number("epsilon", epsilon, 0, low_open=True))
        check_choice("amsgrad", amsgrad, (False, True))
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = bool(amsgrad)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.slots(var_list, "momentum")
        self._velocities = self.slots(var_list, "velocity")
        self._velocity_hats = self.slots(var_list, "velocity_hat") if self.amsgrad else []

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        self.decay(variable, lr)
        t = ops.cast(self.iterations + 1, variable.dtype)
        bias_1 = 1 - ops.power(ops.cast(self.beta_1, variable.dtype), t)
        bias_2 = 1 - ops.power(ops.cast(self.beta_2, variable.dtype), t)
        alpha = lr * ops.sqrt(bias_2) / bias_1  # both bias corrections folded into the step
        m = self.slot(self._momentums, variable)
        v = self.slot(self._velocities, variable)
        self.assign(m, m + (g - m) * (1 - self.beta_1))  # = beta_1 m + (1 - beta_1) g
        self.assign(v, v + (ops.square(g) - v) * (1 - self.beta_2))
        if self.amsgrad:
            v_max = self.slot(self._velocity_hats, variable)
            self.assign(v_max, ops.maximum(v_max, v))
            v = v_max
        self.assign_sub(variable, m * alpha / (ops.sqrt(v) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(
            beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon, amsgrad=self.amsgrad
        )
        return config
