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

from course.keras_compat import build_at_init
from course.validation import check_choice, check_number


def check_noise_shape(noise_shape):
    """None, or a tuple whose entries are positive ints or None (taken from the input)."""
    if noise_shape is None:
        return None
    if isinstance(noise_shape, (str, bytes)) or not hasattr(noise_shape, "__iter__"):
        raise TypeError(
            "noise_shape must be None or a tuple/list of positive ints or None, "
            f"got {noise_shape!r} ({type(noise_shape).__name__})"
        )
    shape = tuple(noise_shape)
    for i, dim in enumerate(shape):
        if dim is not None:
            check_number(f"noise_shape[{i}]", dim, 1, integer=True)
    return tuple(None if dim is None else int(dim) for dim in shape)


@keras.saving.register_keras_serializable(package="course")
class Dropout(keras.layers.Layer):
    """Randomly zero units with probability `rate` during training.

    The layer has no weights, so it is built as soon as it is created (as Keras' `Dropout`).

    Args:
        rate: drop probability p in [0, 1).
        noise_shape: shape of the binary mask, broadcast over the input; ``None`` entries take
            the input's size (as in `keras.layers.Dropout`). Other entries are positive ints.
        seed: None or an int, the seed of the mask's random stream.
        inverted: scale kept units by 1/q during training (True) or scale by q at inference.
        mc: keep dropout active at inference too (Monte Carlo dropout for uncertainty).
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: a tensor. It must be floating point whenever the layer drops or scales units
            (training, `mc`, or classic dropout at inference): an integer tensor cannot hold
            1/q or q times its values, so it is refused with a TypeError (Keras refuses it
            too) rather than truncated.
        training: True drops units; False (the default) is inference. A mask passes through.
    """

    def __init__(self, rate, noise_shape=None, seed=None, inverted=True, mc=False, **kwargs):
        rate = float(check_number("rate", rate, 0, 1, high_open=True))
        noise_shape = check_noise_shape(noise_shape)
        if seed is not None:
            check_number("seed", seed, integer=True)
        check_choice("inverted", inverted, (False, True))
        check_choice("mc", mc, (False, True))
        super().__init__(**kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.inverted = bool(inverted)
        self.mc = bool(mc)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True
        build_at_init(self)

    @property
    def keep_prob(self):
        """q = 1 - p, the probability that a unit survives."""
        return 1.0 - self.rate

    def _mask_shape(self, inputs):
        shape = ops.shape(inputs)
        if self.noise_shape is None:
            return shape
        if len(self.noise_shape) != len(shape):
            raise ValueError(
                f"noise_shape={self.noise_shape} must have one entry per input axis, "
                f"got inputs of rank {len(shape)}"
            )
        return tuple(shape[i] if dim is None else dim for i, dim in enumerate(self.noise_shape))

    def call(self, inputs, training=False):
        dropping = (training or self.mc) and self.rate > 0.0
        if self.inverted and not dropping:
            return inputs  # inverted dropout is the identity at inference
        q = self._keep_prob_like(inputs)
        if not dropping:
            return inputs * q  # classic dropout at inference: scale by q, not by p
        uniform = keras.random.uniform(self._mask_shape(inputs), seed=self.seed_generator)
        kept = inputs * ops.cast(uniform < self.keep_prob, inputs.dtype)
        return kept / q if self.inverted else kept

    def _keep_prob_like(self, inputs):
        """q in the dtype of `inputs`, which must be floating point to be scaled by it."""
        if not keras.backend.is_float_dtype(inputs.dtype):
            dtype = keras.backend.standardize_dtype(inputs.dtype)
            raise TypeError(
                f"Dropout inputs must be a float tensor (float16, bfloat16, float32 "
                f"or float64) to drop or scale units, got dtype {dtype}; "
                f"cast them first, e.g. keras.ops.cast(inputs, 'float32')"
            )
        return ops.cast(self.keep_prob, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            rate=self.rate,
            noise_shape=self.noise_shape,
            seed=self.seed,
            inverted=self.inverted,
            mc=self.mc,
        )
        return config


def dropout_survival_probability(n, k, rate):
    """Probability that exactly `k` of `n` units survive dropout with drop probability `rate`.

    Survivors follow Binomial(n, q) with q = 1 - rate: C(n, k) q^k (1 - q)^(n - k). It is
    computed in log space (log C(n, k) from `math.lgamma`), because for n = 100000 units
    C(n, k) overflows a float and q^k underflows to 0 long before their product is small.
    """
    check_number("n", n, 0, integer=True)
    check_number("k", k, 0, n, integer=True)
    check_number("rate", rate, 0, 1)
    q, dropped = 1.0 - rate, n - k
    if q in (0.0, 1.0):  # no randomness: every unit dropped (q = 0) or every unit kept (q = 1)
        return float(k == (n if q == 1.0 else 0))
    log_comb = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(dropped + 1)
    return math.exp(log_comb + k * math.log(q) + dropped * math.log1p(-q))
