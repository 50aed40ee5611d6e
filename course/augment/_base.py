"""Shared plumbing of the course's own augmentation layers: the factor convention, value
ranges, seeding, and the training/inference switch, so every layer behaves the same way.

The factor convention (used by `course.augment.build` for every technique): ``factor`` is a
strength in [0, 1]; 0 is the identity and 1 the technique's documented maximum (see
`course.augment.catalog()`); each image draws its own magnitude uniformly up to that strength.
"""

import keras
from keras import ops

from course.validation import check_number, check_seed, plain_error


def check_factor(name, value, signed=False):
    """Validate a strength: a number in [0, 1], or a (low, high) pair fixing the sampled range.

    Returns the (low, high) range magnitudes are drawn from: (-f, f) when `signed`, else (0, f).
    A pair may be negative only when `signed`; a pair (a, a) makes the draw deterministic.
    """
    lowest = -1 if signed else 0
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be a number in [0, 1] or a (low, high) pair, got {value!r}"
            )
        low = check_number(f"{name}[0]", value[0], lowest, 1)
        high = check_number(f"{name}[1]", value[1], lowest, 1)
        if low > high:
            raise ValueError(f"{name} must have low <= high, got {value!r}")
        return float(low), float(high)
    check_number(name, value, 0, 1)
    return (-float(value), float(value)) if signed else (0.0, float(value))


def check_value_range(value_range):
    """Validate a (low, high) pixel range such as (0, 1) or (0, 255)."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"value_range must be a (low, high) pair of numbers, got {value_range!r}")
    low = check_number("value_range[0]", value_range[0])
    high = check_number("value_range[1]", value_range[1])
    if not low < high:
        raise ValueError(f"value_range must have low < high, got {value_range!r}")
    return float(low), float(high)


def uniform(shape, low, high, seed):
    """Uniform draws in [low, high) from a `SeedGenerator` (low == high gives a constant)."""
    return keras.random.uniform(shape, minval=0.0, maxval=1.0, seed=seed) * (high - low) + low


def as_batch(images):
    """(batch, was_batched): a rank-3 image gets a batch axis so layers work on both ranks."""
    images = ops.convert_to_tensor(images)
    if len(images.shape) not in (3, 4):
        raise ValueError(f"images must have rank 3 or 4, got shape {tuple(images.shape)}")
    batched = len(images.shape) == 4
    return (images if batched else images[None]), batched


class ImageAugmentation(keras.layers.Layer):
    """Base of the course's random image layers: (H, W, C) or (N, H, W, C) in, same shape and
    dtype out, values kept in `value_range`; the identity when ``training=False``.

    Subclasses implement `augment(images)` on a float32 batch, validate their own arguments
    before calling ``super().__init__`` (so a bad one leaves no half-built layer) and list them
    in `get_config`.
    """

    def __init__(self, value_range=(0, 1), seed=None, **kwargs):
        value_range, seed = check_value_range(value_range), check_seed(seed)
        super().__init__(**kwargs)
        self.value_range, self.seed = value_range, seed
        self.generator = keras.random.SeedGenerator(seed)
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True

    def augment(self, images):
        raise NotImplementedError

    def call(self, images, training=True):
        rank = len(images.shape) if hasattr(images, "shape") else None
        if rank not in (3, 4, None):  # refused here: Keras has no shape to give `build`
            raise plain_error(
                ValueError(
                    "images must have shape (height, width, channels) or (batch, height, width, "
                    f"channels), got {tuple(images.shape)}"
                )
            )
        if not training:
            return images
        x, batched = as_batch(images)
        dtype = x.dtype
        out = self.augment(ops.cast(x, "float32"))
        out = ops.clip(out, *self.value_range)
        if "int" in str(dtype):
            out = ops.round(out)
        out = ops.cast(out, dtype)
        return out if batched else out[0]

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range, "seed": self.seed}

    def span(self):
        """Width of the pixel range (1 for [0, 1], 255 for [0, 255])."""
        return self.value_range[1] - self.value_range[0]


def blend(a, b, weight):
    """Per-image convex blend a + w (b - a), with one weight per image of the batch."""
    return a + ops.reshape(weight, (-1, 1, 1, 1)) * (b - a)


def per_image_choice(mask, a, b):
    """Take image i from `b` where mask[i] is true, else from `a`."""
    return ops.where(ops.reshape(mask, (-1, 1, 1, 1)), b, a)


__all__ = [
    "ImageAugmentation",
    "blend",
    "check_factor",
    "check_value_range",
    "per_image_choice",
    "uniform",
]
