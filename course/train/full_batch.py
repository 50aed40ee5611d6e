"""A compiled full-batch training loop for the section's small experiments (XOR, fruits, depth).

Tiny problems fit in one batch, and one `tf.function` step per update avoids `model.fit`'s
per-epoch overhead, so the experiments run in seconds in fast mode.
"""

import keras
import numpy as np

from course.validation import (
    check_callable,
    check_examples,
    check_model,
    check_number,
    check_same_length,
)


def train_full_batch(model, x, y, loss, steps, learning_rate=0.01, validation=None, every=1):
    """Adam on the whole of (x, y) for `steps` updates; returns the recorded losses.

    `loss(y_true, y_pred)` returns per-example values (it is averaged over the batch).
    The result maps "loss" (and "val_loss" when `validation=(x_val, y_val)`) to lists recorded
    every `every` steps, the same shape as a Keras `History.history`.
    """
    import tensorflow as tf

    check_number("steps", steps, 1, integer=True)
    check_number("every", every, 1, integer=True)
    check_model("model", model)
    check_callable("loss", loss, "a function loss(y_true, y_pred)")
    x = check_examples("x", x)
    y = check_examples("y", y)
    check_same_length("x", x=x, y=y)
    optimizer = keras.optimizers.Adam(learning_rate)
    x, y = tf.constant(x, tf.float32), tf.constant(y, tf.float32)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            value = tf.reduce_mean(loss(y, model(x, training=True)))
        optimizer.apply(tape.gradient(value, model.trainable_variables), model.trainable_variables)
        return value

    def evaluate(xs, ys):
        return float(np.mean(np.asarray(loss(ys, model(xs, training=False)))))

    history = {"loss": []} if validation is None else {"loss": [], "val_loss": []}
    for i in range(steps):
        value = step()
        if (i + 1) % every == 0:
            history["loss"].append(float(value))
            if validation is not None:
                history["val_loss"].append(evaluate(*validation))
    return history
