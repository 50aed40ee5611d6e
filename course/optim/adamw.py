"""AdamW: Adam plus decoupled weight decay, like `keras.optimizers.AdamW`.

Each step first shrinks the weights, w <- w - lr * weight_decay * w (`CourseOptimizer.decay`),
then takes the Adam step. An L2 penalty in the loss would instead pass through Adam's
1/sqrt(v) scaling, so weights with large gradients would be barely regularised.
"""

import keras

from course.optim.adam import Adam


@keras.saving.register_keras_serializable(package="course")
class AdamW(Adam):
    """Adam with decoupled weight decay; same arguments and config as Keras' `AdamW`.

    Args:
        learning_rate: float >= 0, a `LearningRateSchedule` or a callable.
        weight_decay: float >= 0 (default 0.004), required: ``None`` is refused, as in Keras
            (use `Adam` for no decay).
        beta_1, beta_2: decays of the first and second moment averages, in [0, 1).
        epsilon: > 0, added to sqrt(v) in the denominator.
        amsgrad: divide by the running maximum of v (AMSGrad).
        **kwargs: the base optimizer's arguments (clipnorm, use_ema, name, ...).

    Call arguments (`apply_gradients`, as for any Keras optimizer):
        grads_and_vars: pairs of gradient and variable; each step first shrinks the variable by
            lr * weight_decay * variable, then takes the Adam step.
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        **kwargs,
    ):
        if weight_decay is None:
            raise ValueError(
                "Argument `weight_decay` must be a float. Received: weight_decay=None "
                "(AdamW needs a float >= 0; use Adam for no weight decay)"
            )
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            **kwargs,
        )
