"""AdamW: Adam plus decoupled weight decay, like `keras.optimizers.AdamW`.

Each step first shrinks the weights, w <- w - lr * weight_decay * w (`CourseOptimizer.decay`),
then takes the Adam step. An L2 penalty in the loss would instead pass through Adam's
1/sqrt(v) scaling, so weights with large gradients would be barely regularised.
"""
import keras

from course.optim.adam import Adam


@keras.saving.register_keras_serializable(package="course")
class AdamW(Adam):
    """Adam with decoupled weight decay; `weight_decay` (>= 0, default 0.004) is required."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, **kwargs):
        if weight_decay is None:
            raise ValueError("weight_decay must be a float >= 0 for AdamW, got None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)
