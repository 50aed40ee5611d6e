"""Residual connections (section 11.3): h_{l+1} = h_l + F(h_l) keeps gradients alive in deep MLPs.

The network and its block are `course.models.residual_mlp` and `ResidualBlock` (re-exported
here for the notebook); this module measures what the skip does.

Backprop through a skip adds an identity path: dh_{l+1}/dh_l = I + dF/dh_l, so the gradient that
reaches early layers is not only a product of many small Jacobians (each sigmoid layer can
shrink it by 4x or more: sigma' <= 0.25). `gradient_norms` measures this layer by layer.
"""

import keras
import numpy as np

from course.models.residual import ResidualBlock, residual_mlp
from course.nn.losses import categorical_crossentropy
from course.profiles import profile
from course.train.full_batch import train_full_batch
from course.validation import check_number

__all__ = [
    "ResidualBlock",
    "compare_skips",
    "gradient_norms",
    "plot_gradient_norms",
    "residual_mlp",
]


def gradient_norms(model, x, y_one_hot):
    """Euclidean norm of dLoss/dkernel for each hidden layer, first to last (mean CE loss)."""
    import tensorflow as tf

    layers = [layer for layer in model.layers if layer.name.startswith("hidden_")]
    kernels = [layer.kernel for layer in layers]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(categorical_crossentropy(y_one_hot, model(x, training=True)))
    return np.array([float(tf.norm(g)) for g in tape.gradient(loss, kernels)])


def compare_skips(
    x_train,
    y_train,
    x_val,
    y_val,
    depth=20,
    width=32,
    activation="sigmoid",
    steps=None,
    learning_rate=3e-3,
    seed=0,
):
    """Gradient norms at initialisation and training curves, with and without skips.

    Returns {"plain": {...}, "residual": {...}}, each with "grad_norms" (per hidden layer) and
    "history" (loss and val_loss every 10 full-batch Adam steps). Labels are integers.
    """
    steps = profile().residual.steps if steps is None else steps
    check_number("steps", steps, 1, integer=True)
    num_classes = int(max(y_train.max(), y_val.max())) + 1
    y_train, y_val = np.eye(num_classes)[y_train], np.eye(num_classes)[y_val]
    results = {}
    for name, residual in (("plain", False), ("residual", True)):
        keras.utils.set_random_seed(seed)
        model = residual_mlp(
            x_train.shape[1:], num_classes, depth, width, residual, activation, seed
        )
        norms = gradient_norms(model, x_train, y_train)
        history = train_full_batch(
            model,
            x_train,
            y_train,
            categorical_crossentropy,
            steps,
            learning_rate,
            validation=(x_val, y_val),
            every=10,
        )
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
