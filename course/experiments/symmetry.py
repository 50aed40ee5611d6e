"""Why weights start random (section 11.1): a network whose hidden units start identical gets
identical gradients for them, so training never tells them apart.

`symmetric_network` builds the symmetric case with `course.models.mlp`, `hidden_unit_gradients`
reads each unit's gradient and `unit_spread` measures how far the units differ.
"""

import keras
import numpy as np

from course.models import mlp
from course.validation import check_number


def symmetric_network(n_inputs, hidden, num_classes, value=None, seed=0):
    """Dense(hidden, tanh) -> Dense(softmax), symmetric in its hidden units when `value` is set.

    With a `value`, every hidden unit gets the same incoming weights (all `value`) and the same
    outgoing weights (one random row repeated), so swapping two units changes nothing.
    (Had the outgoing weights also been one constant, every class logit would be equal and the
    hidden layer's gradient exactly zero.) ``value=None``: ordinary random Glorot weights.
    """
    for name, size in (("n_inputs", n_inputs), ("hidden", hidden), ("num_classes", num_classes)):
        check_number(name, size, 1, integer=True)
    init = keras.initializers.GlorotUniform
    model = mlp(
        n_inputs,
        num_classes,
        hidden=(hidden,),
        activation="tanh",
        kernel_initializer=[init(seed), init(seed + 1)],
    )
    if value is not None:
        first, head = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        row = np.random.default_rng(seed).normal(size=(1, num_classes))
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
