"""AutoAugment and TrivialAugmentWide, which Keras lacks (it has RandAugment and AugMix).

Both pick one operation per image. All geometric choices of a batch go through one warp
(identity rows for images whose operation is photometric); photometric operations are
computed batch-wide with per-image magnitudes and selected per image.
"""

import keras
from keras import ops

from course.augment._base import ImageAugmentation, check_factor, uniform
from course.augment.geometric import rotation_matrices, shear_matrices, translation_matrices
from course.augment.warp import RESAMPLERS, centered, warp
from course.validation import check_choice

OPS = (
    "Identity",
    "ShearX",
    "ShearY",
    "TranslateX",
    "TranslateY",
    "Rotate",
    "Brightness",
    "Color",
    "Contrast",
    "Sharpness",
    "Posterize",
    "Solarize",
    "AutoContrast",
    "Equalize",
    "Invert",
)
GEOMETRIC = ("ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate")
SIGNED = GEOMETRIC + ("Brightness", "Color", "Contrast", "Sharpness")

# Magnitude 1 of each operation: (AutoAugment's maxima, TrivialAugmentWide's maxima).
# Shear: slope; translate: fraction of the side; rotate: degrees; enhancers: |factor - 1|;
# posterize: bits removed; solarize: how far the threshold drops from the top of the range.
MAXIMA = {
    "ShearX": (0.3, 0.99),
    "ShearY": (0.3, 0.99),
    "TranslateX": (150 / 331, 32 / 224),
    "TranslateY": (150 / 331, 32 / 224),
    "Rotate": (30.0, 135.0),
    "Brightness": (0.9, 0.99),
    "Color": (0.9, 0.99),
    "Contrast": (0.9, 0.99),
    "Sharpness": (0.9, 0.99),
    "Posterize": (4.0, 6.0),
    "Solarize": (1.0, 1.0),
}

# AutoAugment's ImageNet policy (Cubuk et al. 2019): 25 sub-policies of two
# (operation, probability, magnitude bin 0-9) steps.
IMAGENET_POLICY = (
    (("Posterize", 0.4, 8), ("Rotate", 0.6, 9)),
    (("Solarize", 0.6, 5), ("AutoContrast", 0.6, 0)),
    (("Equalize", 0.8, 0), ("Equalize", 0.6, 0)),
    (("Posterize", 0.6, 7), ("Posterize", 0.6, 6)),
    (("Equalize", 0.4, 0), ("Solarize", 0.2, 4)),
    (("Equalize", 0.4, 0), ("Rotate", 0.8, 8)),
    (("Solarize", 0.6, 3), ("Equalize", 0.6, 0)),
    (("Posterize", 0.8, 5), ("Equalize", 1.0, 0)),
    (("Rotate", 0.2, 3), ("Solarize", 0.6, 8)),
    (("Equalize", 0.6, 0), ("Posterize", 0.4, 6)),
    (("Rotate", 0.8, 8), ("Color", 0.4, 0)),
    (("Rotate", 0.4, 9), ("Equalize", 0.6, 0)),
    (("Equalize", 0.0, 0), ("Equalize", 0.8, 0)),
    (("Invert", 0.6, 0), ("Equalize", 1.0, 0)),
    (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
    (("Rotate", 0.8, 8), ("Color", 1.0, 2)),
    (("Color", 0.8, 8), ("Solarize", 0.8, 7)),
    (("Sharpness", 0.4, 7), ("Invert", 0.6, 0)),
    (("ShearX", 0.6, 5), ("Equalize", 1.0, 0)),
    (("Color", 0.4, 0), ("Equalize", 0.6, 0)),
    (("Equalize", 0.4, 0), ("Solarize", 0.2, 4)),
    (("Solarize", 0.6, 5), ("AutoContrast", 0.6, 0)),
    (("Invert", 0.6, 0), ("Equalize", 1.0, 0)),
    (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
    (("Equalize", 0.8, 0), ("Equalize", 0.6, 0)),
)
TRIVIAL_OPS = OPS[:-1]  # TrivialAugmentWide: every operation but Invert
AUTO_OPS = ("Identity",) + tuple(sorted({step[0] for sub in IMAGENET_POLICY for step in sub}))


def _gray(x):
    g = 0.299 * x[..., 0:1] + 0.587 * x[..., 1:2] + 0.114 * x[..., 2:3] if x.shape[-1] == 3 else x
    return ops.broadcast_to(g, ops.shape(x))


def _smooth(x):
    """PIL's SMOOTH kernel [[1,1,1],[1,5,1],[1,1,1]]/13 per channel, borders left unchanged."""
    c = x.shape[-1]
    kernel = ops.convert_to_tensor([[1.0, 1.0, 1.0], [1.0, 5.0, 1.0], [1.0, 1.0, 1.0]]) / 13.0
    kernel = ops.tile(kernel[:, :, None, None], (1, 1, c, 1))
    inner = ops.depthwise_conv(x, kernel, padding="valid")
    return ops.pad(inner, ((0, 0), (1, 1), (1, 1), (0, 0))) + x * _border_mask(x)


def _border_mask(x):
    shape = ops.shape(x)
    inner = ops.ones((shape[0], shape[1] - 2, shape[2] - 2, shape[3]))
    return 1.0 - ops.pad(inner, ((0, 0), (1, 1), (1, 1), (0, 0)))


def _autocontrast(x):
    low = ops.min(x, axis=(1, 2), keepdims=True)
    high = ops.max(x, axis=(1, 2), keepdims=True)
    return ops.where(high > low, (x - low) / ops.maximum(high - low, 1e-6), x)


def photometric(name, x, mag, equalizer):
    """One photometric operation on a [0, 1] batch; `mag` is (N, 1, 1, 1), signed if needed."""
    if name == "Brightness":
        return x * (1.0 + mag)
    if name == "Color":
        return _gray(x) + (1.0 + mag) * (x - _gray(x))
    if name == "Contrast":
        mean = ops.mean(_gray(x), axis=(1, 2, 3), keepdims=True)
        return mean + (1.0 + mag) * (x - mean)
    if name == "Sharpness":
        blurred = _smooth(x)
        return blurred + (1.0 + mag) * (x - blurred)
    if name == "Posterize":
        step = ops.power(2.0, ops.round(mag))
        return ops.floor(x * 255.0 / step) * step / 255.0
    if name == "Solarize":
        return ops.where(x >= 1.0 - mag, 1.0 - x, x)
    if name == "AutoContrast":
        return _autocontrast(x)
    if name == "Equalize":
        return equalizer(x * 255.0) / 255.0
    if name == "Invert":
        return 1.0 - x
    raise ValueError(f"unknown operation {name!r}")


def geometric(name, mag, height, width):
    """Centre-relative (N, 3, 3) maps of one geometric operation with signed magnitudes `mag`."""
    zero = ops.zeros_like(mag)
    if name == "ShearX":
        return shear_matrices(mag, zero)
    if name == "ShearY":
        return shear_matrices(zero, mag)
    if name == "TranslateX":
        return translation_matrices(mag * ops.cast(width, "float32"), zero)
    if name == "TranslateY":
        return translation_matrices(zero, mag * ops.cast(height, "float32"))
    return rotation_matrices(mag)


def apply_ops(layer, x, names, index, magnitude):
    """Apply operation names[index[i]] with magnitude[i] (already scaled, signed) to image i."""
    shape = ops.shape(x)
    eye = ops.broadcast_to(ops.eye(3), (shape[0], 3, 3))
    matrices, out = eye, x
    for k, name in enumerate(names):
        chosen = ops.equal(index, k)
        if name == "Identity":
            continue
        if name in GEOMETRIC:
            m = geometric(name, magnitude, shape[1], shape[2])
            matrices = ops.where(ops.reshape(chosen, (-1, 1, 1)), m, matrices)
        else:
            y = photometric(name, x, ops.reshape(magnitude, (-1, 1, 1, 1)), layer.equalizer)
            out = ops.where(ops.reshape(chosen, (-1, 1, 1, 1)), ops.clip(y, 0.0, 1.0), out)
    if any(name in GEOMETRIC for name in names):
        transforms = centered(matrices, shape[1], shape[2])
        out = warp(out, transforms, "constant", 0.0, "bilinear", layer.resampler)
    return out


class _Policy(ImageAugmentation):
    """Shared set-up: strength, resampler, the value-range round trip to [0, 1]."""

    def __init__(self, factor=1.0, resampler="xla", value_range=(0, 1), seed=None, **kwargs):
        factor = check_factor("factor", factor)
        check_choice("resampler", resampler, RESAMPLERS)
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.factor, self.resampler = factor, resampler
        self.equalizer = keras.layers.Equalization(value_range=(0, 255))

    def build(self, input_shape):
        self.equalizer.build(input_shape)

    def augment(self, images):
        lo = self.value_range[0]
        unit = (images - lo) / self.span()
        return lo + self.span() * self.policy(unit)

    def draw_signs(self, n):
        return ops.where(keras.random.uniform((n,), seed=self.generator) < 0.5, -1.0, 1.0)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "resampler": self.resampler}


def _signed(names):
    return ops.convert_to_tensor([name in SIGNED for name in names])


def _scale(names, column):
    return ops.convert_to_tensor([MAXIMA.get(name, (0.0, 0.0))[column] for name in names])


@keras.saving.register_keras_serializable(package="course")
class TrivialAugment(_Policy):
    """TrivialAugmentWide (Mueller & Hutter 2021): one operation per image, chosen uniformly,
    with a magnitude drawn uniformly up to factor * its wide maximum (factor=1: the paper)."""

    def policy(self, x):
        n = ops.shape(x)[0]
        index = keras.random.randint((n,), 0, len(TRIVIAL_OPS), seed=self.generator)
        strength = uniform((n,), 0.0, 1.0, self.generator) * uniform(
            (n,), *self.factor, self.generator
        )
        sign = ops.where(ops.take(_signed(TRIVIAL_OPS), index), self.draw_signs(n), 1.0)
        magnitude = strength * ops.take(_scale(TRIVIAL_OPS, 1), index) * sign
        return apply_ops(self, x, TRIVIAL_OPS, index, magnitude)


@keras.saving.register_keras_serializable(package="course")
class AutoAugment(_Policy):
    """AutoAugment's ImageNet policy: each image draws one of the 25 sub-policies and applies its
    two steps with their probabilities; magnitudes are the published bins times `factor`."""

    def policy(self, x):
        n = ops.shape(x)[0]
        choice = keras.random.randint((n,), 0, len(IMAGENET_POLICY), seed=self.generator)
        strength = uniform((n,), *self.factor, self.generator)
        for step in range(2):
            ops_of = ops.convert_to_tensor(
                [AUTO_OPS.index(sub[step][0]) for sub in IMAGENET_POLICY]
            )
            probs = ops.convert_to_tensor([sub[step][1] for sub in IMAGENET_POLICY])
            bins = ops.convert_to_tensor([sub[step][2] / 9.0 for sub in IMAGENET_POLICY])
            index = ops.take(ops_of, choice)
            active = keras.random.uniform((n,), seed=self.generator) < ops.take(probs, choice)
            index = ops.where(active, index, 0)  # 0 is Identity
            sign = ops.where(ops.take(_signed(AUTO_OPS), index), self.draw_signs(n), 1.0)
            magnitude = (
                ops.take(bins, choice) * ops.take(_scale(AUTO_OPS, 0), index) * strength * sign
            )
            x = apply_ops(self, x, AUTO_OPS, index, magnitude)
        return x


__all__ = ["AutoAugment", "TrivialAugment", "IMAGENET_POLICY", "OPS", "MAXIMA"]
