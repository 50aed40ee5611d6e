"""Residual connections (section 11.3): h_{l+1} = h_l + F(h_l) keeps gradients alive in deep MLPs.

Backprop through a skip adds an identity path: dh_{l+1}/dh_l = I + dF/dh_l, so the gradient that
reaches early layers is not only a product of many small Jacobians (each sigmoid layer can
shrink it by 4x or more: sigma' <= 0.25). `gradient_norms` measures this layer by layer.

The block is the pre-activation form F(h) = phi(h) W + b (activation first, as in pre-activation
ResNets): its output is zero-mean at initialisation, so with a bounded phi the sum h + F(h)
grows only additively with depth. `skip=False` gives the same layer without the skip, so both
networks have identical parameters and initial weights.
"""
import keras
import numpy as np
from keras import ops

from course import config
from course.nn import activations as act
from course.nn.losses import categorical_crossentropy
from course.nn.training import train_full_batch
from course.validation import check_choice, check_number


@keras.saving.register_keras_serializable(package="course")
class ResidualBlock(keras.layers.Layer):
    """h + phi(h) W + b: a pre-activation dense layer whose input is added back to its output.

    The width is the input's, so the addition is defined. `activation` names a function in
    `course.nn.activations` (e.g. "sigmoid", "tanh", "relu"); ``skip=False`` drops the "h +".
    """

    def __init__(self, activation="tanh", skip=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
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
        self.kernel = self.add_weight(name="kernel", shape=(width, width),
                                      initializer=self.kernel_initializer)
        self.bias = self.add_weight(name="bias", shape=(width,), initializer=self.bias_initializer)

    def call(self, inputs):
        residual = ops.matmul(act.get(self.activation)(inputs), self.kernel) + self.bias
        return inputs + residual if self.skip else residual

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(activation=self.activation, skip=self.skip,
                      kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
                      bias_initializer=keras.initializers.serialize(self.bias_initializer))
        return config


def deep_mlp(n_inputs, n_classes, depth=20, width=32, residual=True, activation="sigmoid", seed=0):
    """Flatten -> Dense(width) -> `depth` blocks with or without skips -> Dense(softmax).

    Both variants have the same parameters and initial weights for a given seed; only the skip
    differs. Hidden layers are named ``hidden_0`` ... so their gradients can be looked up.
    """
    check_number("depth", depth, 1, integer=True)
    check_number("width", width, 1, integer=True)
    init = keras.initializers.GlorotUniform
    return keras.Sequential([
        keras.Input(n_inputs if isinstance(n_inputs, tuple) else (n_inputs,)),
        keras.layers.Flatten(),
        keras.layers.Dense(width, kernel_initializer=init(seed + 10_000), name="project"),
        *[ResidualBlock(activation, skip=residual, kernel_initializer=init(seed + i),
                        name=f"hidden_{i}") for i in range(depth)],
        keras.layers.Dense(n_classes, activation="softmax", kernel_initializer=init(seed + 20_000),
                           name="head")])


def gradient_norms(model, x, y_one_hot):
    """Euclidean norm of dLoss/dkernel for each hidden layer, first to last (mean CE loss)."""
    import tensorflow as tf

    layers = [layer for layer in model.layers if layer.name.startswith("hidden_")]
    kernels = [layer.kernel for layer in layers]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(categorical_crossentropy(y_one_hot, model(x, training=True)))
    return np.array([float(tf.norm(g)) for g in tape.gradient(loss, kernels)])


def compare_skips(x_train, y_train, x_val, y_val, depth=20, width=32, activation="sigmoid",
                  steps=None, learning_rate=3e-3, seed=0):
    """Gradient norms at initialisation and training curves, with and without skips.

    Returns {"plain": {...}, "residual": {...}}, each with "grad_norms" (per hidden layer) and
    "history" (loss and val_loss every 10 full-batch Adam steps). Labels are integers.
    """
    n_classes = int(max(y_train.max(), y_val.max())) + 1
    y_train, y_val = np.eye(n_classes)[y_train], np.eye(n_classes)[y_val]
    steps = steps or config.pick(400, 50)
    results = {}
    for name, residual in (("plain", False), ("residual", True)):
        keras.utils.set_random_seed(seed)
        model = deep_mlp(x_train.shape[1:], n_classes, depth, width, residual, activation, seed)
        norms = gradient_norms(model, x_train, y_train)
        history = train_full_batch(model, x_train, y_train, categorical_crossentropy, steps,
                                   learning_rate, validation=(x_val, y_val), every=10)
        results[name] = {"grad_norms": norms, "history": history, "model": model}
    return results


def plot_gradient_norms(results, ax=None):
    """Gradient norm per hidden layer (log scale), one line per variant."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(6, 4))[1]
    for name, result in results.items():
        ax.semilogy(result["grad_norms"], marker=".", label=name)
    ax.set_xlabel("hidden layer (0 = closest to the input)")
    ax.set_ylabel("||dL/dW||")
    ax.set_title("gradient norm per layer at initialisation")
    ax.legend()
    return ax
