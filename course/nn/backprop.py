"""Backpropagation by hand: the chain rule through a two-layer network, checked against the tape.

Network: z1 = x W1 + b1, h = phi(z1), z2 = h W2 + b2, p = softmax(z2), loss = mean_n CE(y_n, p_n).
Each layer needs only its local derivative and the gradient flowing in from above (section 11.2):
dL/dp -> (softmax Jacobian) -> dL/dz2 -> (W2) -> dL/dh -> (phi') -> dL/dz1 -> (x) -> dL/dW1.
"""

import numpy as np

from course.nn import activations as act
from course.validation import check_number

PARAM_NAMES = ("W1", "b1", "W2", "b2")


def init_two_layer(n_in, n_hidden, n_out, seed=0, scale=0.5):
    """Random float64 parameters {W1, b1, W2, b2} (biases non-zero so their gradients matter)."""
    for name, size in (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)):
        check_number(name, size, 1, integer=True)
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0, scale, (n_in, n_hidden)),
        "b1": rng.normal(0, 0.1, n_hidden),
        "W2": rng.normal(0, scale, (n_hidden, n_out)),
        "b2": rng.normal(0, 0.1, n_out),
    }


def forward(x, params, activation="tanh"):
    """The forward pass; returns every intermediate (z1, h, z2, p) for the backward pass."""
    phi = act.get(activation)
    z1 = x @ params["W1"] + params["b1"]
    h = np.asarray(phi(z1))
    z2 = h @ params["W2"] + params["b2"]
    return {"z1": z1, "h": h, "z2": z2, "p": np.asarray(act.softmax(z2))}


def loss(y, p):
    """Mean categorical cross-entropy of one-hot targets y and probabilities p."""
    return float(-np.mean(np.sum(y * np.log(p), axis=-1)))


def chain_rule_gradients(x, y, params, activation="tanh"):
    """dLoss/d(W1, b1, W2, b2) by the chain rule, one local derivative per step.

    The softmax step multiplies the upstream gradient by the full softmax Jacobian; the result
    equals the familiar shortcut (p - y) / N, which is returned as ``"dz2_shortcut"`` to compare.
    """
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    cache = forward(x, params, activation)
    n = len(x)
    d_p = -y / cache["p"] / n  # dL/dp for the mean CE
    jacobian = np.asarray(act.derivative("softmax")(cache["z2"]))  # (N, K, K), dp_i/dz_j
    d_z2 = np.einsum("ni,nij->nj", d_p, jacobian)  # upstream times local
    d_h = d_z2 @ params["W2"].T
    d_z1 = d_h * np.asarray(act.derivative(activation)(cache["z1"]))
    return {
        "W1": x.T @ d_z1,
        "b1": d_z1.sum(axis=0),
        "W2": cache["h"].T @ d_z2,
        "b2": d_z2.sum(axis=0),
        "dz2_shortcut": (cache["p"] - y) / n,
        "dz2": d_z2,
    }


def tape_gradients(x, y, params, activation="tanh"):
    """The same gradients from `tf.GradientTape` on the same forward pass (float64)."""
    import tensorflow as tf

    variables = {k: tf.Variable(params[k], dtype=tf.float64) for k in PARAM_NAMES}
    x, y = tf.constant(x, tf.float64), tf.constant(y, tf.float64)
    with tf.GradientTape() as tape:
        h = act.get(activation)(x @ variables["W1"] + variables["b1"])
        p = act.softmax(h @ variables["W2"] + variables["b2"])
        value = -tf.reduce_mean(tf.reduce_sum(y * tf.math.log(p), axis=-1))
    grads = tape.gradient(value, [variables[k] for k in PARAM_NAMES])
    return {k: g.numpy() for k, g in zip(PARAM_NAMES, grads)}


def linear_chain_gradient(weights, x):
    """For y = w_L ... w_2 w_1 x with identity activations, dy/dw_k by hand and by the tape.

    With phi(x) = x every local derivative is 1, so dy/dw_k is the product of all the other
    weights on the path times x. Returns (by_hand, by_tape) as float lists.
    """
    import tensorflow as tf

    weights = [float(w) for w in weights]
    by_hand = [float(np.prod(weights[:k] + weights[k + 1 :])) * x for k in range(len(weights))]
    variables = [tf.Variable(w, dtype=tf.float64) for w in weights]
    with tf.GradientTape() as tape:
        y = tf.constant(x, tf.float64)
        for w in variables:
            y = w * y
    return by_hand, [float(g) for g in tape.gradient(y, variables)]
