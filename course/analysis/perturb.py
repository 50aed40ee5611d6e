"""Deterministic image perturbations for robustness sweeps: rotation, blur, scale, occlusion, noise,
and shift.

Rotation, scaling and shifting are the augmentation warps (`course.augment.warp.rotate`,
`rescale`, `translate`), with edge pixels repeated ("nearest") so a sweep measures the geometry,
not a black border.

Each takes a batch (N, H, W, C) in [0, 1] and a severity where 0 is exactly the identity, and is
built from TensorFlow ops; the random ones (occlusion position, noise) use stateless seeded ops,
so a sweep repeats bit for bit. `PERTURBATIONS` holds each one's default severity grid and the
augmentation that trains the matching invariance. The default sweep runs the five perturbations
of the error-analysis recipe; "shift" is swept when asked for by name (``grids={"shift": ...}``).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course.augment.warp import rescale, rotate, translate
from course.validation import check_image_batch, check_number

__all__ = [
    "PERTURBATIONS",
    "Perturbation",
    "add_noise",
    "blur",
    "occlude",
    "rescale",
    "rotate",
    "translate",
]


def blur(x, sigma):
    """Gaussian blur with standard deviation `sigma` pixels (separable, reflect padding)."""
    import tensorflow as tf

    check_number("sigma", sigma, 0)
    x = tf.convert_to_tensor(check_image_batch("x", x), tf.float32)
    height, width, channels = x.shape[1:]
    radius = min(math.ceil(3 * sigma), height - 1, width - 1)
    if sigma == 0 or radius == 0:
        return tf.identity(x)
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps = tf.constant(taps / taps.sum(), tf.float32)
    padded = tf.pad(x, [[0, 0], [radius, radius], [radius, radius], [0, 0]], mode="REFLECT")
    rows = tf.tile(tf.reshape(taps, (-1, 1, 1, 1)), (1, 1, channels, 1))
    cols = tf.reshape(rows, (1, -1, channels, 1))
    out = tf.nn.depthwise_conv2d(padded, rows, [1, 1, 1, 1], "VALID")
    return tf.nn.depthwise_conv2d(out, cols, [1, 1, 1, 1], "VALID")


def occlude(x, fraction, seed=0, fill_value=0.0):
    """Paint one square-ish patch covering `fraction` of each image at a seeded random position."""
    import tensorflow as tf

    check_number("fraction", fraction, 0, 1)
    x = tf.convert_to_tensor(check_image_batch("x", x), tf.float32)
    n, height, width = tf.shape(x)[0], x.shape[1], x.shape[2]
    patch_h, patch_w = round(math.sqrt(fraction) * height), round(math.sqrt(fraction) * width)
    top = tf.random.stateless_uniform([n, 1, 1], [seed, 1], 0, height - patch_h + 1, tf.int32)
    left = tf.random.stateless_uniform([n, 1, 1], [seed, 2], 0, width - patch_w + 1, tf.int32)
    rows = tf.range(height)[None, :, None]
    cols = tf.range(width)[None, None, :]
    inside = (rows >= top) & (rows < top + patch_h) & (cols >= left) & (cols < left + patch_w)
    return tf.where(inside[..., None], tf.constant(fill_value, tf.float32), x)


def add_noise(x, std, seed=0, value_range=(0.0, 1.0)):
    """Add seeded Gaussian noise of standard deviation `std`, clipped to `value_range`."""
    import tensorflow as tf

    check_number("std", std, 0)
    x = tf.convert_to_tensor(check_image_batch("x", x), tf.float32)
    noise = tf.random.stateless_normal(tf.shape(x), [seed, 3], stddev=std)
    return tf.clip_by_value(x + noise, *value_range)


def _scale(x, severity, seed, value_range):
    check_number("severity", severity, 0, 1, high_open=True)
    return rescale(x, 1.0 - severity, fill_mode="nearest")


def _shift(x, severity, seed, value_range):
    check_number("severity", severity, 0, 1, high_open=True)
    height, width = check_image_batch("x", x).shape[1:3]
    return translate(x, severity * width, severity * height, fill_mode="nearest")


def _blur_layer(sigma):
    kernel = 2 * math.ceil(3 * sigma) + 1
    return (
        f"keras.layers.RandomGaussianBlur(kernel_size={kernel}, sigma=(0, {sigma:g}), "
        "value_range=(0, 1))"
    )


@dataclass(frozen=True)
class Perturbation:
    """One sweepable perturbation: how to apply a severity, its unit and grid, and its cure.

    `unit` labels the severity axis and `phrase` formats one severity in words;
    `transform(x, severity, seed, value_range)` applies it; `layer(severity)` is the Keras
    augmentation (as code) that trains invariance up to that severity; `augment_name` is the
    matching `course.augment.build` name; `default` puts it in the sweep run when no grid names
    the perturbations.
    """

    name: str
    unit: str
    phrase: str
    severities: tuple
    augment_name: str
    transform: Callable
    layer: Callable
    default: bool = True

    def apply(self, x, severity, seed=0, value_range=(0.0, 1.0)):
        """The perturbed batch as a NumPy array; severity 0 returns `x` unchanged."""
        check_number("severity", severity, 0)
        return np.asarray(self.transform(x, severity, seed, value_range))

    def describe(self, severity):
        """A severity in words, e.g. 'rotation by 30 deg'."""
        return self.phrase.format(severity)


PERTURBATIONS = {
    p.name: p
    for p in (
        Perturbation(
            "rotation",
            "degrees",
            "rotation by {:g} deg",
            (0, 15, 30, 45, 90, 180),
            "rotation",
            lambda x, s, seed, vr: rotate(x, s, fill_mode="nearest"),
            lambda s: f"keras.layers.RandomRotation({s / 360:.3g})",
        ),
        Perturbation(
            "blur",
            "sigma px",
            "blur of sigma {:g} px",
            (0, 0.5, 1.0, 1.5, 2.0),
            "gaussian_blur",
            lambda x, s, seed, vr: blur(x, s),
            _blur_layer,
        ),
        Perturbation(
            "scale",
            "shrink fraction",
            "shrinking by {:.0%}",
            (0, 0.2, 0.4, 0.6),
            "zoom",
            _scale,
            lambda s: f"keras.layers.RandomZoom((0, {s / (1 - s):.3g}))",
        ),
        Perturbation(
            "occlusion",
            "area fraction",
            "occlusion of {:.0%}",
            (0, 0.1, 0.25, 0.4),
            "random_erasing",
            lambda x, s, seed, vr: occlude(x, s, seed=seed),
            lambda s: f"keras.layers.RandomErasing(scale=(0.02, {s:g}), value_range=(0, 1))",
        ),
        Perturbation(
            "noise",
            "std",
            "noise of std {:g}",
            (0, 0.05, 0.1, 0.2, 0.3),
            "gaussian_noise",
            lambda x, s, seed, vr: add_noise(x, s, seed=seed, value_range=vr),
            lambda s: f"keras.layers.GaussianNoise({s:g})",
        ),
        Perturbation(
            "shift",
            "fraction of the side",
            "shift by {:.1%} of the side (right and down)",
            (0, 0.05, 0.1, 0.2),
            "translation",
            _shift,
            lambda s: f"keras.layers.RandomTranslation({s:.3g}, {s:.3g})",
            default=False,
        ),
    )
}
