"""Activation functions written from their formulas, with analytic derivatives.

Every function maps an array or tensor to a tensor through `keras.ops`, so `tf.GradientTape`
can check `derivative(name)` against autodiff and `keras.activations` can check the values.
"""

import math

from keras import ops

from course.validation import check_choice, check_number

SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
GELU_CUBIC = 0.044715


def _float(x):
    """`x` as a floating-point tensor (integers become float32)."""
    x = ops.convert_to_tensor(x)
    return x if "float" in str(x.dtype) else ops.cast(x, "float32")


def linear(x):
    """phi(x) = x: the identity, which makes any stack of layers one linear map."""
    return _float(x)


def sigmoid(x):
    """1 / (1 + e^-x), written as (1 + tanh(x/2)) / 2 so large |x| never overflows."""
    x = _float(x)
    return 0.5 * (1.0 + ops.tanh(0.5 * x))


def tanh(x):
    """(e^x - e^-x) / (e^x + e^-x): zero-centred, range (-1, 1)."""
    return ops.tanh(_float(x))


def relu(x):
    """max(0, x): non-saturating for x > 0, exactly zero (and dead) for x < 0."""
    x = _float(x)
    return ops.maximum(x, ops.zeros_like(x))


def leaky_relu(x, negative_slope=0.2):
    """x for x > 0, negative_slope * x otherwise (Keras' default slope is 0.2)."""
    check_number("negative_slope", negative_slope, 0)
    x = _float(x)
    return ops.where(x > 0, x, negative_slope * x)


def prelu(x, alpha):
    """Leaky ReLU whose negative slope `alpha` is learned (a scalar or one per feature)."""
    x = _float(x)
    alpha = ops.cast(alpha, x.dtype)
    return ops.where(x > 0, x, alpha * x)


def gelu(x, approximate=False):
    """x * Phi(x) with Phi the standard normal CDF; `approximate` uses the tanh formula."""
    x = _float(x)
    if approximate:
        return 0.5 * x * (1.0 + ops.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x**3)))
    return 0.5 * x * (1.0 + ops.erf(x / math.sqrt(2.0)))


def swish(x, beta=1.0):
    """x * sigmoid(beta * x) (SiLU when beta = 1): smooth, non-monotonic near 0."""
    x = _float(x)
    return x * sigmoid(beta * x)


def softplus(x):
    """log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|) to avoid overflow."""
    x = _float(x)
    return relu(x) + ops.log1p(ops.exp(-ops.abs(x)))


def softmax(x, axis=-1):
    """exp(x_i) / sum_j exp(x_j) along `axis`; the max is subtracted first for stability."""
    x = _float(x)
    e = ops.exp(x - ops.max(x, axis=axis, keepdims=True))
    return e / ops.sum(e, axis=axis, keepdims=True)


def _d_linear(x):
    return ops.ones_like(_float(x))


def _d_sigmoid(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def _d_tanh(x):
    return 1.0 - tanh(x) ** 2


def _d_relu(x):
    x = _float(x)
    return ops.cast(x > 0, x.dtype)  # 0 at x = 0, the convention TensorFlow's gradient uses


def _d_leaky_relu(x, negative_slope=0.2):
    x = _float(x)
    return ops.where(x > 0, ops.ones_like(x), negative_slope * ops.ones_like(x))


def _d_prelu(x, alpha):
    x = _float(x)
    return ops.where(x > 0, ops.ones_like(x), ops.cast(alpha, x.dtype) * ops.ones_like(x))


def _d_gelu(x, approximate=False):
    x = _float(x)
    if approximate:
        t = ops.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x**3))
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t**2) * SQRT_2_OVER_PI * (
            1.0 + 3 * GELU_CUBIC * x**2
        )
    cdf = 0.5 * (1.0 + ops.erf(x / math.sqrt(2.0)))
    pdf = ops.exp(-0.5 * x**2) / math.sqrt(2.0 * math.pi)
    return cdf + x * pdf


def _d_swish(x, beta=1.0):
    x = _float(x)
    s = sigmoid(beta * x)
    return s + beta * x * s * (1.0 - s)


def _d_softplus(x):
    return sigmoid(x)


def _d_softmax(x):
    """Full Jacobian d s_i / d x_j = s_i (delta_ij - s_j), shape (..., n, n), over the last axis."""
    s = softmax(x)
    eye = ops.eye(ops.shape(s)[-1], dtype=s.dtype)
    return s[..., :, None] * eye - s[..., :, None] * s[..., None, :]


ACTIVATIONS = {
    "linear": linear,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "prelu": prelu,
    "gelu": gelu,
    "swish": swish,
    "softplus": softplus,
    "softmax": softmax,
}
_DERIVATIVES = {
    "linear": _d_linear,
    "sigmoid": _d_sigmoid,
    "tanh": _d_tanh,
    "relu": _d_relu,
    "leaky_relu": _d_leaky_relu,
    "prelu": _d_prelu,
    "gelu": _d_gelu,
    "swish": _d_swish,
    "softplus": _d_softplus,
    "softmax": _d_softmax,
}


def get(name):
    """The activation function called `name` (one of `ACTIVATIONS`)."""
    check_choice("name", name, tuple(ACTIVATIONS))
    return ACTIVATIONS[name]


def derivative(name):
    """The analytic derivative of activation `name`, taking the same extra arguments.

    Element-wise activations return phi'(x) with the shape of x; ``"softmax"`` returns the full
    Jacobian over the last axis, shape (..., n, n), because each output depends on every input.
    """
    check_choice("name", name, tuple(_DERIVATIVES))
    return _DERIVATIVES[name]
