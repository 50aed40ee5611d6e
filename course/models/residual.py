"""`residual_mlp` and its `ResidualBlock`: h_{l+1} = h_l + phi(h_l) W + b, the reference deep MLP
whose skips keep gradients alive (section 11.3; the experiment is `course.experiments.residual`).

The block is the pre-activation form F(h) = phi(h) W + b (activation first, as in pre-activation
ResNets): its output is zero-mean at initialisation, so with a bounded phi the sum h + F(h)
grows only additively with depth. `skip=False` gives the same layer without the skip, so both
networks have identical parameters and initial weights.
"""

import keras
from keras import ops

from course.nn import activations as act
from course.validation import check_choice, check_number


@keras.saving.register_keras_serializable(package="course")
class ResidualBlock(keras.layers.Layer):
    """h + phi(h) W + b: a pre-activation dense layer whose input is added back to its output.

    The width is the input's, so the addition is defined. `activation` names a function in
    `course.nn.activations` (e.g. "sigmoid", "tanh", "relu"); ``skip=False`` drops the "h +".
    """

    def __init__(
        self,
        activation="tanh",
        skip=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        check_choice("activation", activation, tuple(act.ACTIVATIONS))
        super().__init__(**kwargs)
        self.activation = activation
        self.skip = bool(skip)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        width = input_shape[-1]
        if width is None:
            raise ValueError(f"the last axis of the input shape {input_shape} must be known")
        self.kernel = self.add_weight(
            name="kernel", shape=(width, width), initializer=self.kernel_initializer
        )
        self.bias = self.add_weight(name="bias", shape=(width,), initializer=self.bias_initializer)

    def call(self, inputs):
        residual = ops.matmul(act.get(self.activation)(inputs), self.kernel) + self.bias
        return inputs + residual if self.skip else residual

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            activation=self.activation,
            skip=self.skip,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            bias_initializer=keras.initializers.serialize(self.bias_initializer),
        )
        return config


def residual_mlp(
    input_shape, num_classes, depth=20, width=32, residual=True, activation="sigmoid", seed=0
):
    """Flatten -> Dense(width) -> `depth` blocks with or without skips -> Dense(softmax).

    Both variants have the same parameters and initial weights for a given seed; only the skip
    differs. Hidden layers are named ``hidden_0`` ... so their gradients can be looked up.
    """
    check_number("depth", depth, 1, integer=True)
    check_number("width", width, 1, integer=True)
    check_choice("activation", activation, tuple(act.ACTIVATIONS))
    init = keras.initializers.GlorotUniform
    return keras.Sequential(
        [
            keras.Input(input_shape if isinstance(input_shape, tuple) else (input_shape,)),
            keras.layers.Flatten(),
            keras.layers.Dense(width, kernel_initializer=init(seed + 10_000), name="project"),
            *[
                ResidualBlock(
                    activation, skip=residual, kernel_initializer=init(seed + i), name=f"hidden_{i}"
                )
                for i in range(depth)
            ],
            keras.layers.Dense(
                num_classes,
                activation="softmax",
                kernel_initializer=init(seed + 20_000),
                name="head",
            ),
        ]
    )
