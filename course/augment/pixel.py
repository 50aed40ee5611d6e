"""Photometric and noise/blur layers Keras lacks: gamma, Gaussian noise, salt-and-pepper and
motion blur. Strengths follow the package convention (1 = the maxima named per class)."""

import math

import keras
import tensorflow as tf
from keras import ops

from course.augment._base import ImageAugmentation, check_factor, uniform
from course.validation import check_number

MAX_LOG_GAMMA = math.log(3.0)  # factor=1 -> gamma in [1/3, 3]
MAX_NOISE_STD = 0.25  # factor=1 -> sigma up to a quarter of the value range
MAX_SALT_PEPPER = 0.25  # factor=1 -> up to a quarter of the pixels replaced


@keras.saving.register_keras_serializable(package="course")
class RandomGamma(ImageAugmentation):
    """x -> low + span * ((x - low) / span) ** gamma with log(gamma) in +-factor*ln(3)."""

    def __init__(self, factor=0.3, value_range=(0, 1), seed=None, **kwargs):
        factor = check_factor("factor", factor, signed=True)
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.factor = factor

    def augment(self, images):
        low, high = self.factor
        gamma = ops.exp(uniform((ops.shape(images)[0],), low, high, self.generator) * MAX_LOG_GAMMA)
        lo = self.value_range[0]
        unit = ops.clip((images - lo) / self.span(), 0.0, 1.0)
        return lo + self.span() * ops.power(unit, ops.reshape(gamma, (-1, 1, 1, 1)))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package="course")
class RandomGaussianNoise(ImageAugmentation):
    """Add N(0, sigma^2) noise, sigma per image in [0, factor * 0.25 * span], then clip.

    Unlike `keras.layers.GaussianNoise` (a regulariser) it respects the pixel range and draws
    a fresh strength per image.
    """

    def __init__(self, factor=0.1, value_range=(0, 1), seed=None, **kwargs):
        factor = check_factor("factor", factor)
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.factor = factor

    def augment(self, images):
        low, high = self.factor
        sigma = (
            uniform((ops.shape(images)[0],), low, high, self.generator)
            * MAX_NOISE_STD
            * self.span()
        )
        noise = keras.random.normal(ops.shape(images), seed=self.generator)
        return images + noise * ops.reshape(sigma, (-1, 1, 1, 1))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package="course")
class SaltAndPepper(ImageAugmentation):
    """Set a random fraction of pixels (up to factor * 25 %) to the range's min or max."""

    def __init__(self, factor=0.1, value_range=(0, 1), seed=None, **kwargs):
        factor = check_factor("factor", factor)
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.factor = factor

    def augment(self, images):
        shape = ops.shape(images)
        low, high = self.factor
        amount = uniform((shape[0],), low, high, self.generator) * MAX_SALT_PEPPER
        pixel_shape = (shape[0], shape[1], shape[2], 1)
        hit = keras.random.uniform(pixel_shape, seed=self.generator) < ops.reshape(
            amount, (-1, 1, 1, 1)
        )
        salt = keras.random.uniform(pixel_shape, seed=self.generator) < 0.5
        value = ops.where(salt, self.value_range[1], self.value_range[0])
        return ops.where(hit, value, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def line_kernels(lengths, angles, size):
    """(N, size, size) normalised, anti-aliased line kernels (the blur of a straight motion)."""
    r = (size - 1) / 2.0
    ys, xs = ops.meshgrid(
        ops.arange(size, dtype="float32") - r, ops.arange(size, dtype="float32") - r, indexing="ij"
    )
    cos = ops.reshape(ops.cos(angles), (-1, 1, 1))
    sin = ops.reshape(ops.sin(angles), (-1, 1, 1))
    along = ops.abs(xs * cos + ys * sin)
    across = ops.abs(-xs * sin + ys * cos)
    half = ops.reshape(lengths, (-1, 1, 1)) / 2.0
    weight = ops.relu(1.0 - across) * ops.clip(half + 0.5 - along, 0.0, 1.0)
    return weight / ops.sum(weight, axis=(1, 2), keepdims=True)


@keras.saving.register_keras_serializable(package="course")
class RandomMotionBlur(ImageAugmentation):
    """Blur along a random direction; the streak length is up to factor * kernel_size pixels.

    One depthwise convolution blurs the whole batch: images are folded into channels so each
    gets its own kernel. Borders are reflected, so no dark frame appears.
    """

    def __init__(self, factor=0.5, kernel_size=7, value_range=(0, 1), seed=None, **kwargs):
        factor = check_factor("factor", factor)
        check_number("kernel_size", kernel_size, 3, integer=True)
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be an odd int >= 3, got {kernel_size}")
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.factor, self.kernel_size = factor, kernel_size

    def augment(self, images):
        shape = tf.shape(images)
        n, h, w, c = shape[0], shape[1], shape[2], shape[3]
        k = self.kernel_size
        low, high = self.factor
        lengths = 1.0 + uniform((n,), low, high, self.generator) * (k - 1)
        angles = uniform((n,), 0.0, math.pi, self.generator)
        kernels = line_kernels(lengths, angles, k)  # (N, k, k)
        kernels = tf.repeat(tf.transpose(kernels, (1, 2, 0)), c, axis=2)  # (k, k, N*C)
        folded = tf.reshape(tf.transpose(images, (1, 2, 0, 3)), (1, h, w, n * c))
        r = k // 2
        folded = tf.pad(folded, [[0, 0], [r, r], [r, r], [0, 0]], mode="SYMMETRIC")
        out = tf.nn.depthwise_conv2d(folded, kernels[..., None], (1, 1, 1, 1), "VALID")
        return tf.transpose(tf.reshape(out, (h, w, n, c)), (2, 0, 1, 3))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "kernel_size": self.kernel_size}


@keras.saving.register_keras_serializable(package="course")
class RandomSolarize(ImageAugmentation):
    """Invert pixels at or above a threshold drawn per image from [1 - factor, 1] of the range.

    Written here because `keras.layers.Solarization` (3.15) scales only the upper end of its
    threshold range to 0-255, so its lower end, and hence the strength, is not controllable.
    """

    def __init__(self, factor=0.3, value_range=(0, 1), seed=None, **kwargs):
        factor = check_factor("factor", factor)
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.factor = factor

    def augment(self, images):
        low, high = self.factor
        lo, span = self.value_range[0], self.span()
        threshold = 1.0 - uniform((ops.shape(images)[0],), low, high, self.generator)
        unit = (images - lo) / span
        solarized = ops.where(unit >= ops.reshape(threshold, (-1, 1, 1, 1)), 1.0 - unit, unit)
        # A zero strength leaves the image alone even where a pixel equals the range maximum.
        solarized = ops.where(ops.reshape(threshold, (-1, 1, 1, 1)) >= 1.0, unit, solarized)
        return lo + span * solarized

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
