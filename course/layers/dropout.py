"""Dropout from scratch, in both conventions the notes mix up.

With drop probability p and keep probability q = 1 - p:
- inverted (Keras, PyTorch): training keeps each unit with probability q and scales kept units
  by 1/q; inference is the identity.
- classic (``inverted=False``): training only masks; inference scales every activation by q
  (by q, not by p as "Summary DAY 2" says).
Either way the expected training output equals the inference output.
"""
import math

import keras
from keras import ops

from course.validation import check_number


@keras.saving.register_keras_serializable(package="course")
class Dropout(keras.layers.Layer):
    """Randomly zero units with probability `rate` during training.

    Args:
        rate: drop probability p in [0, 1).
        noise_shape: shape of the binary mask, broadcast over the input; ``None`` entries take
            the input's size (as in `keras.layers.Dropout`).
        seed: seed of the mask's random stream.
        inverted: scale kept units by 1/q during training (True) or scale by q at inference.
        mc: keep dropout active at inference too (Monte Carlo dropout for uncertainty).
    """

    def __init__(self, rate, noise_shape=None, seed=None, inverted=True, mc=False, **kwargs):
        check_number("rate", rate, 0, 1, high_open=True)
        super().__init__(**kwargs)
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.inverted = bool(inverted)
        self.mc = bool(mc)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True

    @property
    def keep_prob(self):
        """q = 1 - p, the probability that a unit survives."""
        return 1.0 - self.rate

    def _mask_shape(self, inputs):
        shape = ops.shape(inputs)
        if self.noise_shape is None:
            return shape
        return tuple(shape[i] if dim is None else dim for i, dim in enumerate(self.noise_shape))

    def call(self, inputs, training=False):
        q = self.keep_prob
        if not (training or self.mc) or self.rate == 0.0:
            return inputs if self.inverted else inputs * ops.cast(q, inputs.dtype)
        uniform = keras.random.uniform(self._mask_shape(inputs), seed=self.seed_generator)
        mask = ops.cast(uniform < q, inputs.dtype)
        kept = inputs * mask
        return kept / ops.cast(q, inputs.dtype) if self.inverted else kept

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(rate=self.rate, noise_shape=self.noise_shape, seed=self.seed,
                      inverted=self.inverted, mc=self.mc)
        return config


def dropout_survival_probability(n, k, rate):
    """Probability that exactly `k` of `n` units survive dropout with drop probability `rate`.

    Survivors follow Binomial(n, q) with q = 1 - rate: C(n, k) q^k (1 - q)^(n - k).
    """
    check_number("n", n, 0, integer=True)
    check_number("k", k, 0, n, integer=True)
    check_number("rate", rate, 0, 1)
    q = 1.0 - rate
    return math.comb(n, k) * q**k * (1.0 - q) ** (n - k)
