"""Why nonlinearity (section 9): XOR defeats every stack of linear layers; one ReLU layer solves it.

Without activations y = W3(W2(W1 x + b1) + b2) + b3 = (W3 W2 W1) x + b: a single linear map, so
the stack's decision boundary is one line and at most 3 of XOR's 4 points can be right.
Keras stores kernels transposed (x @ K), so the collapsed kernel is K1 @ K2 @ K3 = (W3 W2 W1)^T.
"""

import keras
import numpy as np

from course.models.dense import mlp
from course.nn.losses import binary_crossentropy
from course.profiles import profile
from course.train.full_batch import train_full_batch
from course.validation import check_number

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
XOR_Y = np.array([0, 1, 1, 0], dtype="float32")


def linear_stack(depth=3, width=4, seed=0):
    """`depth` Dense layers with no activation between them, then a sigmoid read-out."""
    check_number("depth", depth, 1, integer=True)
    check_number("width", width, 1, integer=True)
    return mlp(
        2,
        1,
        hidden=(width,) * (depth - 1),
        activation=None,
        output_activation="sigmoid",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
    )


def relu_network(hidden=8, seed=0):
    """One hidden ReLU layer, then a sigmoid read-out: enough to solve XOR."""
    return mlp(
        2,
        1,
        hidden=(hidden,),
        output_activation="sigmoid",
        kernel_initializer=[keras.initializers.HeNormal(seed=seed), "glorot_uniform"],
    )


def train(model, steps=None, learning_rate=0.05):
    """Full-batch Adam on BCE over the four XOR points; returns the accuracy."""
    steps = profile().xor.steps if steps is None else steps
    train_full_batch(model, XOR_X, XOR_Y[:, None], binary_crossentropy, steps, learning_rate)
    return accuracy(model)


def accuracy(model):
    """Fraction of the four XOR points classified correctly at threshold 0.5."""
    pred = np.asarray(model(XOR_X)).ravel() > 0.5
    return float(np.mean(pred == XOR_Y.astype(bool)))


def collapse(model):
    """The single (kernel, bias) equal to the model's stack of linear Dense layers."""
    kernel = np.eye(model.layers[0].kernel.shape[0], dtype="float64")
    bias = np.zeros(kernel.shape[1])
    for layer in model.layers:
        k, b = (np.asarray(w, dtype="float64") for w in layer.get_weights())
        kernel, bias = kernel @ k, bias @ k + b
    return kernel, bias


def best_linear_accuracy(trials=20_000, seed=0):
    """Best XOR accuracy over many random lines w.x + b = 0 (it never exceeds 3/4)."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(trials, 2))
    b = rng.normal(size=(trials, 1))
    pred = (w @ XOR_X.T + b) > 0
    return float(np.max(np.mean(pred == XOR_Y.astype(bool), axis=1)))
