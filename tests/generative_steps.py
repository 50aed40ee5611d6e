"""Test helper: drive a generative model's own `train_step` the way a custom training loop does."""

import tensorflow as tf


def train_steps(model, batch, steps):
    """Run `steps` calls of ``model.train_step(batch)`` inside one `tf.function` and return the
    list of returned logs as floats."""
    step = tf.function(model.train_step)
    return [{name: float(value) for name, value in step(batch).items()} for _ in range(steps)]
