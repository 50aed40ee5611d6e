"""The notes' activation comparison table, measured numerically instead of typed.

Each row evaluates the function and its analytic derivative on a fine grid: the range (with
open or closed ends and infinities detected), the largest slope (the sigmoid's 0.25 bound), the
slope in the tails (saturation), the mean output for standard-normal inputs (zero-centred or
not), and the worst disagreement between the analytic derivative and autodiff.
"""

from dataclasses import dataclass

import numpy as np
from keras import ops

from course.nn import activations as act

FORMULAS = {
    "linear": ("x", "1"),
    "sigmoid": ("1/(1+e^-x)", "s(x)(1-s(x))"),
    "tanh": ("tanh(x)", "1-tanh(x)^2"),
    "relu": ("max(0,x)", "0 (x<0), 1 (x>0)"),
    "leaky_relu": ("x (x>0), 0.2x", "1 (x>0), 0.2"),
    "prelu": ("x (x>0), a*x", "1 (x>0), a"),
    "gelu": ("x*Phi(x)", "Phi(x)+x*phi(x)"),
    "swish": ("x*s(x)", "s(x)+x*s(x)(1-s(x))"),
    "softplus": ("log(1+e^x)", "s(x)"),
    "softmax": ("e^x_i/sum_j e^x_j", "full Jacobian s_i(d_ij-s_j)"),
}
DEFAULT_NAMES = (
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "prelu",
    "gelu",
    "swish",
    "softplus",
    "softmax",
)
PRELU_ALPHA = 0.25  # the slope used to tabulate PReLU (Keras' PReLU starts from 0)


@dataclass(frozen=True)
class ActivationRow:
    """Measured properties of one activation; `range` reads like the notes' column."""

    name: str
    formula: str
    derivative: str
    low: float
    high: float
    low_closed: bool
    high_closed: bool
    max_slope: float
    argmax_slope: float
    tail_slopes: tuple
    mean_output: float
    autodiff_error: float
    note: str = ""

    @property
    def range(self):
        left = "[" if self.low_closed else "("
        right = "]" if self.high_closed else ")"
        return f"{left}{_fmt(self.low)}, {_fmt(self.high)}{right}"


def _fmt(value):
    if np.isinf(value):
        return "-inf" if value < 0 else "inf"
    return f"{value:.4g}" if value != 0 else "0"


def _scalar_view(name):
    """A scalar function of x for each activation (softmax: first output of softmax([x, 0]))."""
    if name == "softmax":
        return lambda x: act.softmax(ops.stack([x, ops.zeros_like(x)], axis=-1))[..., 0]
    if name == "prelu":
        return lambda x: act.prelu(x, PRELU_ALPHA)
    return act.get(name)


def _scalar_derivative(name):
    if name == "softmax":  # d s_0 / d x_0 is the Jacobian's first diagonal entry
        jac = act.derivative("softmax")
        return lambda x: jac(ops.stack([x, ops.zeros_like(x)], axis=-1))[..., 0, 0]
    if name == "prelu":
        return lambda x: act.derivative("prelu")(x, PRELU_ALPHA)
    return act.derivative(name)


def _bound(values, x, inner, side):
    """Extreme of `values` on `side` ('low'/'high'), whether it is reached, or +-inf."""
    extreme = np.min if side == "low" else np.max
    half = np.abs(x) <= x.max() / 2
    whole, halfway, near = (
        extreme(values),
        extreme(values[half]),
        extreme(values[np.abs(x) <= inner]),
    )
    if abs(whole - halfway) > 1.0:  # still growing linearly with the grid: unbounded
        return (-np.inf if side == "low" else np.inf), False
    reached = bool(abs(near - whole) <= 1e-12)
    return float(whole if reached else np.round(whole, 6)), reached  # open ends: the limit


def autodiff_error(name, x):
    """max |analytic derivative - tf.GradientTape derivative| of the scalar view on `x`."""
    import tensorflow as tf

    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = _scalar_view(name)(xt)
    taped = tape.gradient(y, xt).numpy()
    return float(np.max(np.abs(taped - ops.convert_to_numpy(_scalar_derivative(name)(xt)))))


def measure(name, extent=40.0, step=1e-3, inner=5.0):
    """Measure one activation on a float64 grid over [-extent, extent]."""
    x = np.arange(-extent, extent + step / 2, step)
    x[np.isclose(x, 0.0)] = 0.0
    f = ops.convert_to_numpy(_scalar_view(name)(x))
    d = ops.convert_to_numpy(_scalar_derivative(name)(x))
    low, low_closed = _bound(f, x, inner, "low")
    high, high_closed = _bound(f, x, inner, "high")
    i = int(np.argmax(np.abs(d)))
    tails = tuple(
        float(v) for v in ops.convert_to_numpy(_scalar_derivative(name)(np.array([-10.0, 10.0])))
    )
    normal = np.random.default_rng(0).standard_normal(100_000)
    mean_output = float(np.mean(ops.convert_to_numpy(_scalar_view(name)(normal))))
    kinkless = x[
        np.abs(x) > step
    ]  # autodiff and the analytic form may pick different values at a kink
    note = ""
    if name == "softmax":
        logits = np.random.default_rng(0).normal(0, 5, size=(1000, 6))
        total = ops.convert_to_numpy(ops.sum(act.softmax(logits), axis=-1))
        note = (
            f"outputs sum to 1 (max deviation {np.max(np.abs(total - 1)):.0e}); range of one output"
        )
    formula, slope = FORMULAS[name]
    return ActivationRow(
        name,
        formula,
        slope,
        low,
        high,
        low_closed,
        high_closed,
        float(abs(d[i])),
        float(x[i]),
        tails,
        mean_output,
        autodiff_error(name, kinkless[::50]),
        note,
    )


def comparison_table(names=DEFAULT_NAMES):
    """One measured `ActivationRow` per activation name."""
    return [measure(name) for name in names]


def format_table(rows):
    """The rows as a markdown table (slopes rounded to 4 significant digits)."""
    header = (
        "| function | formula | range | derivative | max abs slope (at x) | slope at x=-10, 10 "
        "| mean output, x~N(0,1) | autodiff error |"
    )
    lines = [header, "|" + " --- |" * 8]
    for r in rows:
        tails = ", ".join(f"{t:.2g}" for t in r.tail_slopes)
        lines.append(
            f"| {r.name} | {r.formula} | {r.range} | {r.derivative} | "
            f"{r.max_slope:.4g} (x={r.argmax_slope:.3g}) | {tails} | "
            f"{round(r.mean_output, 2) + 0.0:.2f} | {r.autodiff_error:.1e} |"
        )
    return "\n".join(lines)
