"""Initialization (section 11.1): symmetry breaking and keeping activation variance through depth.

- Equal weights make every hidden unit compute the same function and receive the same gradient,
  so gradient descent keeps them equal forever: the layer behaves like a single unit.
- Random scale matters: a layer multiplies the activation variance by about
  fan_in * Var(W) * (a factor of the activation). Glorot (Var = 2 / (fan_in + fan_out)) keeps a
  *linear* (or tanh-near-zero) layer's variance at 1, but tanh squashes it a little more at every
  layer, so it still decays through depth (`variance_sweep` shows it); He
  (Var = 2 / fan_in) compensates ReLU zeroing half its inputs.
"""

import keras
import numpy as np

from course.nn import activations as act
from course.validation import check_choice, check_number

INITS = ("zeros", "normal", "glorot", "he")


def initializer(name, seed=0, normal_std=0.01):
    """The Keras initializer for `name`: zeros, normal (N(0, normal_std^2)), glorot or he."""
    check_choice("name", name, INITS)
    check_number("normal_std", normal_std, 0, low_open=True)
    return {
        "zeros": lambda: keras.initializers.Zeros(),
        "normal": lambda: keras.initializers.RandomNormal(stddev=normal_std, seed=seed),
        "glorot": lambda: keras.initializers.GlorotNormal(seed=seed),
        "he": lambda: keras.initializers.HeNormal(seed=seed),
    }[name]()


def init_std(name, fan_in, fan_out, normal_std=0.01):
    """Standard deviation of the weights `initializer(name)` draws for a (fan_in, fan_out)
    kernel."""
    check_choice("name", name, INITS)
    check_number("fan_in", fan_in, 1, integer=True)
    check_number("fan_out", fan_out, 1, integer=True)
    return {
        "zeros": 0.0,
        "normal": normal_std,
        "glorot": np.sqrt(2.0 / (fan_in + fan_out)),
        "he": np.sqrt(2.0 / fan_in),
    }[name]


def activation_variance(
    init, activation="tanh", depth=50, width=256, batch=512, seed=0, normal_std=0.01
):
    """Variance of each layer's activations in a `depth`-layer square MLP (no biases).

    Inputs are standard normal; layer l computes h_l = phi(h_{l-1} W_l) with W_l drawn from a
    normal distribution of standard deviation `init_std` (NumPy, for speed). Returns (depth,).
    """
    check_number("depth", depth, 1, integer=True)
    phi = act.get(activation)
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((batch, width))
    std = init_std(init, width, width, normal_std)
    variances = []
    for _ in range(depth):
        h = np.asarray(phi(h @ (std * rng.standard_normal((width, width)))))
        variances.append(float(h.var()))
    return np.array(variances)


def variance_sweep(inits=INITS, activations=("tanh", "relu"), **kwargs):
    """{(activation, init): per-layer variances} for every pair (see `activation_variance`)."""
    return {(a, i): activation_variance(i, a, **kwargs) for a in activations for i in inits}


def plot_variance_sweep(sweep):
    """One panel per activation, variance per layer on a log axis (all-zero curves are noted)."""
    import matplotlib.pyplot as plt

    activations = sorted({a for a, _ in sweep}, key=list(dict.fromkeys(a for a, _ in sweep)).index)
    fig, axes = plt.subplots(
        1, len(activations), figsize=(5 * len(activations), 3.8), squeeze=False
    )
    for ax, activation in zip(axes[0], activations):
        for (a, init), variances in sweep.items():
            if a != activation:
                continue
            if not np.any(variances):
                ax.plot([], [], label=f"{init} (variance 0 at every layer)")
                continue
            ax.semilogy(np.arange(1, len(variances) + 1), variances, label=init)
        ax.set_title(f"{activation}: activation variance by layer")
        ax.set_xlabel("layer")
        ax.set_ylabel("Var(h)")
        ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def symmetric_network(n_inputs, hidden, n_classes, value=None, seed=0):
    """Dense(hidden, tanh) -> Dense(softmax), symmetric in its hidden units when `value` is set.

    With a `value`, every hidden unit gets the same incoming weights (all `value`) and the same
    outgoing weights (one random row repeated), so swapping two units changes nothing.
    (Had the outgoing weights also been one constant, every class logit would be equal and the
    hidden layer's gradient exactly zero.) ``value=None``: ordinary random Glorot weights.
    """
    from course.models.mlp import mlp

    for name, size in (("n_inputs", n_inputs), ("hidden", hidden), ("n_classes", n_classes)):
        check_number(name, size, 1, integer=True)
    init = keras.initializers.GlorotUniform
    model = mlp(
        n_inputs,
        n_classes,
        hidden=(hidden,),
        activation="tanh",
        kernel_initializer=[init(seed), init(seed + 1)],
    )
    if value is not None:
        first, head = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        row = np.random.default_rng(seed).normal(size=(1, n_classes))
        first.kernel.assign(np.full((n_inputs, hidden), value, dtype="float32"))
        head.kernel.assign(np.repeat(row, hidden, axis=0).astype("float32"))
    return model


def hidden_unit_gradients(model, x, y_one_hot):
    """dLoss/d(first kernel), shape (n_inputs, hidden): column j is hidden unit j's gradient."""
    import tensorflow as tf

    kernel = model.layers[0].kernel
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.categorical_crossentropy(y_one_hot, model(x)))
    return tape.gradient(loss, kernel).numpy()


def unit_spread(matrix):
    """Largest difference between any column and the first one (0 = all units identical)."""
    matrix = np.asarray(matrix)
    return float(np.max(np.abs(matrix - matrix[:, :1])))
