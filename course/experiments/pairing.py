"""What goes wrong when output activation and loss are mismatched (section 8's pairing rules).

Measured, not asserted: gradients come from `tf.GradientTape`, floors from optimisation.
- sigmoid + MSE: the gradient w.r.t. the logit is 2 (p - t) p (1 - p), which vanishes when the
  prediction is confidently wrong; sigmoid + BCE gives p - t, largest exactly then.
- softmax + (summed) BCE on multi-label targets: the outputs share one unit of probability, so
  with k true labels the best reachable loss is k log k > 0 and each output is at most 1/k.
- softmax on a single unit: softmax([z]) = 1 for every z, so the loss is constant and the
  gradient is exactly zero (the usual slip when a binary head is copied from a multiclass one).
"""

import warnings

import numpy as np

from course.nn import activations as act
from course.nn import losses as L
from course.validation import check_choice, check_number


def logit_gradients(logits=(-10.0, -5.0, -2.0, 0.0, 2.0, 5.0), target=1.0):
    """Rows (z, p, dBCE/dz, dMSE/dz) for one sigmoid output with target `target`."""
    import tensorflow as tf

    z = tf.constant(np.asarray(logits, dtype="float64")[:, None])
    t = tf.fill(z.shape, tf.constant(float(target), tf.float64))
    rows = {}
    for name, loss in (("bce", L.binary_crossentropy), ("mse", L.mse)):
        with tf.GradientTape() as tape:
            tape.watch(z)
            value = tf.reduce_sum(loss(t, act.sigmoid(z)))
        rows[name] = tape.gradient(value, z).numpy()[:, 0]
    p = np.asarray(act.sigmoid(z))[:, 0]
    return [
        tuple(float(v) for v in row) for row in zip(z.numpy()[:, 0], p, rows["bce"], rows["mse"])
    ]


def best_multilabel_fit(head, positives=3, num_classes=6, steps=2000, learning_rate=1.0):
    """Minimise summed BCE over free logits (plain gradient descent) for `positives` ones.

    Returns (loss, probabilities) reached with a ``"sigmoid"`` or ``"softmax"`` output layer:
    the sigmoid reaches ~0, the softmax stalls at positives * log(positives).
    """
    import tensorflow as tf

    check_number("positives", positives, 1, num_classes, integer=True)
    target = tf.constant([[1.0] * positives + [0.0] * (num_classes - positives)], tf.float64)
    logits = tf.Variable(tf.zeros((1, num_classes), tf.float64))
    squash = act.get(check_choice("head", head, ("sigmoid", "softmax")))

    @tf.function
    def descend():
        for _ in tf.range(steps):
            with tf.GradientTape() as tape:
                value = tf.reduce_sum(
                    L.binary_crossentropy(target, squash(logits), aggregate="sum")
                )
            logits.assign_sub(learning_rate * tape.gradient(value, logits))

    descend()
    p = squash(logits)
    return float(np.asarray(L.binary_crossentropy(target, p, aggregate="sum"))[0]), np.asarray(p)[0]


def single_unit_softmax_gradient(seed=0):
    """(outputs, gradient norm) of Dense(1, softmax) on random data: outputs all 1, gradient 0."""
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = (rng.uniform(size=(16, 1)) < 0.5).astype("float32")
    layer = keras.layers.Dense(1, activation="softmax")
    with tf.GradientTape() as tape, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Keras 3 warns about this very mistake
        p = layer(x)
        value = tf.reduce_mean(L.binary_crossentropy(y, p))
    grads = tape.gradient(value, layer.trainable_variables)
    return np.asarray(p), float(tf.linalg.global_norm(grads))
