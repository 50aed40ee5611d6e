"""A neuron and a multilayer perceptron written out with explicit weights (section 3 of the notes).

A neuron computes phi(sum_i w_i x_i + b); a dense layer does this for many neurons at once,
phi(W.x + b). The notes write W.x with W of shape (out, in); Keras stores the transpose, a
kernel of shape (in, out), and computes x @ kernel + bias on a batch of row vectors. `MLP` keeps
Keras' layout so its weights copy into a `Dense` stack unchanged (`from_keras`, and
`course.models.keras_mlp` the other way).
"""

import keras
import numpy as np
from keras import ops

from course.nn import activations as act
from course.validation import check_choice, check_number

# Our activation names that a Keras Dense layer accepts under the same meaning.
KERAS_NAMES = {
    "linear": "linear",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "gelu": "gelu",
    "swish": "silu",
    "softplus": "softplus",
    "softmax": "softmax",
}


def neuron(x, w, b, activation="relu"):
    """One neuron: phi(sum_i w_i x_i + b) for inputs x (..., n), weights w (n,) and bias b."""
    x = ops.convert_to_tensor(np.asarray(x, dtype="float32"))
    w = ops.convert_to_tensor(np.asarray(w, dtype="float32"))
    return act.get(activation)(ops.sum(x * w, axis=-1) + b)


def dense(x, kernel, bias, activation="linear"):
    """A fully connected layer: phi(x @ kernel + bias), i.e. phi(W.x + b) with W = kernel^T."""
    return act.get(activation)(ops.matmul(x, kernel) + bias)


class MLP:
    """An MLP with explicit (kernel, bias) pairs: hidden layers with `activation`, then `head`.

    Args:
        sizes: layer widths from input to output, e.g. (4, 16, 16, 3).
        activation: hidden activation name (from `course.nn.activations`).
        head: output activation, ``"softmax"`` for class probabilities.
        seed: seeds the Glorot-uniform kernels (biases start at zero, as in Keras).
    """

    def __init__(self, sizes, activation="relu", head="softmax", seed=0):
        sizes = [int(check_number("sizes", s, 1, integer=True)) for s in sizes]
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least an input and an output width, got {sizes}")
        check_choice("activation", activation, tuple(act.ACTIVATIONS))
        check_choice("head", head, tuple(act.ACTIVATIONS))
        rng = np.random.default_rng(seed)
        self.activation, self.head = activation, head
        self.params = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            kernel = rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype("float32")
            self.params.append((kernel, np.zeros(fan_out, dtype="float32")))

    @property
    def activations(self):
        """Activation name of each layer (hidden ones, then the head)."""
        return [self.activation] * (len(self.params) - 1) + [self.head]

    def __call__(self, x):
        h = ops.convert_to_tensor(np.asarray(x, dtype="float32"))
        for (kernel, bias), name in zip(self.params, self.activations):
            h = dense(h, kernel, bias, name)
        return h

    def parameter_count(self):
        """Number of weights and biases, sum over layers of in*out + out."""
        return sum(k.size + b.size for k, b in self.params)

    @classmethod
    def from_keras(cls, model):
        """Copy the kernels and biases of a Sequential stack of `Dense` layers."""
        layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        if not layers or len(layers) != len(model.layers):
            raise ValueError("model must be a Sequential of Dense layers only")
        names = {v: k for k, v in KERAS_NAMES.items()}
        acts = [names.get(keras.activations.serialize(layer.activation)) for layer in layers]
        hidden = set(acts[:-1]) or {acts[-1]}
        if None in acts or len(hidden) != 1:
            raise ValueError(f"model must use one supported hidden activation, got {acts}")
        sizes = [layers[0].kernel.shape[0]] + [layer.units for layer in layers]
        mlp = cls(sizes, activation=hidden.pop(), head=acts[-1])
        mlp.params = [tuple(np.asarray(w) for w in layer.get_weights()) for layer in layers]
        return mlp
