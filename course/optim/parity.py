"""`regression_trajectory`: the path an optimizer takes on a small non-convex regression, the
common ground on which a from-scratch optimizer is compared with its Keras built-in."""

import numpy as np

from course.validation import check_number


def regression_trajectory(optimizer, steps=200, seed=0):
    """Parameters (kernel (5, 3) and bias (3,), flattened) after each of `steps` steps.

    The loss, mean squared error plus 0.1 * sum(sin(3 W)), is non-convex, so two optimizers
    agree over 200 steps only if every update rule matches. The whole path runs in one
    `tf.function` call; returns an array (steps, 18).
    """
    import keras
    import tensorflow as tf

    check_number("steps", steps, 1, integer=True)
    rng = np.random.default_rng(seed)
    x = tf.constant(rng.normal(size=(16, 5)), tf.float32)
    y = tf.constant(rng.normal(size=(16, 3)), tf.float32)
    w = keras.Variable(rng.normal(size=(5, 3)).astype("float32"))
    b = keras.Variable(rng.normal(size=(3,)).astype("float32"), name="bias")
    optimizer.build([w, b])

    @tf.function
    def run():
        path = tf.TensorArray(tf.float32, size=steps)
        for i in tf.range(steps):
            with tf.GradientTape() as tape:
                tape.watch([w.value, b.value])
                pred = tf.matmul(x, w.value) + b.value
                loss = tf.reduce_mean((pred - y) ** 2) + 0.1 * tf.reduce_sum(tf.sin(3.0 * w.value))
            optimizer.apply_gradients(zip(tape.gradient(loss, [w.value, b.value]), [w, b]))
            path = path.write(i, tf.concat([tf.reshape(w.value, [-1]), b.value], 0))
        return path.stack()

    return run().numpy()
