"""Initialization (section 11.1): symmetry breaking and keeping activation variance through depth.

- Equal weights make every hidden unit compute the same function and receive the same gradient,
  so gradient descent keeps them equal forever: the layer behaves like a single unit (the
  experiment is `course.experiments.symmetry`).
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
