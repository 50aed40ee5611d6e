"""Generative-model test helpers: a random labelled image batch, and a model's own `train_step`
driven the way a custom training loop does."""

import numpy as np
import tensorflow as tf


def train_steps(model, batch, steps):
    """Run `steps` calls of ``model.train_step(batch)`` inside one `tf.function` and return the
    list of returned logs as floats."""
    step = tf.function(model.train_step)
    return [{name: float(value) for name, value in step(batch).items()} for _ in range(steps)]


def image_batch(n=16, seed=0):
    """`n` random 8x8 grey images in [0, 1] and labels of 10 classes: the GAN/diffusion batch."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, size=(n, 8, 8, 1)).astype("float32"), rng.integers(0, 10, size=n)
