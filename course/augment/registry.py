"""The technique registry behind `course.augment.build`: one factor convention for all.

``factor`` is a strength in [0, 1]: 0 is the identity, 1 the maximum listed in `meaning`,
and each image draws its own magnitude up to it. Where Keras 3 has the technique the builder
returns the `keras.layers` class with the factor translated into that layer's own arguments;
the rest are this package's layers. Probability-type techniques (grayscale, equalize,
erasing) use the factor as the probability of applying them.
"""

from collections.abc import Callable
from dataclasses import dataclass

import keras

from course.augment import geometric, mixing, pixel, policies
from course.augment._base import check_factor, check_value_range
from course.validation import check_choice, check_number, check_seed

KERAS_CV_HINT = "pip install 'course[keras-cv]'"


@dataclass(frozen=True)
class Technique:
    """One entry of the catalog: family, default strength, what strength 1 means, builder."""

    name: str
    family: str
    default: float
    meaning: str
    make: Callable
    source: str  # "keras", "course", "keras-cv" or "keras+course"


def _sometimes(layer, f, seed):
    """`layer` on a random fraction f of the images. RandomApply gets a seed of its own: with the
    layer's seed it would replay the layer's draws, and a seeded flip at f < 1 would fire with
    probability min(f, 1/2) instead of f/2."""
    own_seed = None if seed is None else seed + 1
    return layer if f == 1 else mixing.RandomApply(layer, rate=f, seed=own_seed)


FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


def _flip(f, vr, seed, mode="horizontal"):
    check_choice(
        "mode", mode, FLIP_MODES
    )  # Keras' RandomFlip takes any string and then never flips
    return _sometimes(keras.layers.RandomFlip(mode, seed=seed), f, seed)


def _color_jitter(f, vr, seed, brightness=None, contrast=None, saturation=None, hue=None):
    """keras.layers.RandomColorJitter at strength f (each part overridable): Keras shifts
    brightness by up to 0.5 f of the range, scales contrast by [1 - f, 1 + f], draws a saturation
    factor in 0.5 +- 0.5 f (multiplier k / (1 - k)) and shifts hue by up to f / 4 of a turn."""

    def strength(name, value):
        return f if value is None else check_factor(name, value)[1]

    b, c = strength("brightness", brightness), strength("contrast", contrast)
    s, h = strength("saturation", saturation), strength("hue", hue)
    return keras.layers.RandomColorJitter(
        value_range=vr,
        brightness_factor=0.5 * b,
        contrast_factor=c,
        saturation_factor=(0.5 - 0.5 * s, 0.5 + 0.5 * s),
        hue_factor=0.5 * h,
        seed=seed,
    )


def _posterize(f, vr, seed):
    return keras.layers.RandomPosterization(factor=(8 - round(7 * f), 8), value_range=vr, seed=seed)


def _gaussian_blur(f, vr, seed, kernel_size=5):
    return keras.layers.RandomGaussianBlur(
        factor=(1.0, 1.0), kernel_size=kernel_size, sigma=(0.0, 2.0 * f), value_range=vr, seed=seed
    )


def _equalize(f, vr, seed):
    return _sometimes(keras.layers.Equalization(value_range=vr), f, seed)


def _keras_cv(class_name, arguments):
    """Builder for a keras-cv layer; `arguments(factor)` maps the strength to its kwargs."""

    def make(f, vr, seed, **kwargs):
        try:
            import keras_cv
        except ImportError as err:
            raise ImportError(
                f"build({class_name!r}) needs keras-cv, which is not installed: "
                f"{KERAS_CV_HINT} (the 'keras-cv' extra)"
            ) from err
        return getattr(keras_cv.layers, class_name)(seed=seed, **{**arguments(f), **kwargs})

    return make


_TECHNIQUES = (
    # geometric
    Technique(
        "flip",
        "geometric",
        1.0,
        "flip (mode=...) with probability factor/2: 1 is keras.layers.RandomFlip's 50 %",
        _flip,
        "keras",
    ),
    Technique(
        "rotation",
        "geometric",
        0.1,
        "angles in +-180 deg (RandomRotation(factor/2))",
        lambda f, vr, seed, **kw: keras.layers.RandomRotation(f / 2, seed=seed, **kw),
        "keras",
    ),
    Technique(
        "random_resized_crop",
        "geometric",
        0.2,
        "keep 8-100 % of the area, aspect 3/4-4/3 (torchvision's default), resized back",
        lambda f, vr, seed, **kw: geometric.RandomResizedCrop(f, value_range=vr, seed=seed, **kw),
        "course",
    ),
    Technique(
        "translation",
        "geometric",
        0.2,
        "shifts up to +-50 % of height/width",
        lambda f, vr, seed, **kw: keras.layers.RandomTranslation(f / 2, f / 2, seed=seed, **kw),
        "keras",
    ),
    Technique(
        "zoom",
        "geometric",
        0.2,
        "scale change in +-50 % (RandomZoom(factor/2))",
        lambda f, vr, seed, **kw: keras.layers.RandomZoom(f / 2, seed=seed, **kw),
        "keras",
    ),
    Technique(
        "shear",
        "geometric",
        0.2,
        "shear slopes up to +-1 (45 deg) in x and y",
        lambda f, vr, seed, **kw: keras.layers.RandomShear(f, f, seed=seed, **kw),
        "keras",
    ),
    Technique(
        "perspective",
        "geometric",
        0.3,
        "corners moved by up to +-50 % of their offset "
        "from the top-left one, which Keras keeps fixed (RandomPerspective(scale=factor))",
        lambda f, vr, seed, **kw: keras.layers.RandomPerspective(
            factor=(1.0, 1.0), scale=f, seed=seed, **kw
        ),
        "keras",
    ),
    Technique(
        "fused_geometric",
        "geometric",
        0.2,
        "flip + rotation +-90 deg (half the rotation "
        "maximum) + zoom/translation/shear at their maxima, one warp",
        lambda f, vr, seed, **kw: geometric.FusedGeometric(
            **{"rotation": f / 2, "zoom": f, "translation": f, "shear": f, **kw},
            value_range=vr,
            seed=seed,
        ),
        "course",
    ),
    # photometric
    Technique(
        "color_jitter",
        "photometric",
        0.2,
        "brightness shifted +-50 % of the range, contrast "
        "x[0, 2], saturation x[0, inf) (gray to fully saturated), hue +-a quarter turn",
        _color_jitter,
        "keras",
    ),
    Technique(
        "gamma",
        "photometric",
        0.3,
        "gamma in [1/3, 3]",
        lambda f, vr, seed: pixel.RandomGamma(f, value_range=vr, seed=seed),
        "course",
    ),
    Technique(
        "grayscale",
        "photometric",
        0.2,
        "probability of converting to gray",
        lambda f, vr, seed: keras.layers.RandomGrayscale(factor=f, seed=seed),
        "keras",
    ),
    Technique(
        "solarize",
        "photometric",
        0.3,
        "invert pixels above a threshold down to 0",
        lambda f, vr, seed: pixel.RandomSolarize(f, value_range=vr, seed=seed),
        "course",
    ),
    Technique(
        "posterize", "photometric", 0.5, "keep 1-8 bits (RandomPosterization)", _posterize, "keras"
    ),
    Technique(
        "equalize", "photometric", 0.5, "probability of histogram equalisation", _equalize, "keras"
    ),
    # noise and blur
    Technique(
        "gaussian_noise",
        "noise_blur",
        0.1,
        "noise sigma up to 25 % of the value range",
        lambda f, vr, seed: pixel.RandomGaussianNoise(f, value_range=vr, seed=seed),
        "course",
    ),
    Technique(
        "salt_and_pepper",
        "noise_blur",
        0.1,
        "up to 25 % of pixels set to min/max",
        lambda f, vr, seed: pixel.SaltAndPepper(f, value_range=vr, seed=seed),
        "course",
    ),
    Technique(
        "gaussian_blur",
        "noise_blur",
        0.5,
        "sigma up to 2 px (RandomGaussianBlur)",
        _gaussian_blur,
        "keras",
    ),
    Technique(
        "motion_blur",
        "noise_blur",
        0.5,
        "streaks up to kernel_size (7) px long",
        lambda f, vr, seed, **kw: pixel.RandomMotionBlur(f, value_range=vr, seed=seed, **kw),
        "course",
    ),
    # occlusion and mixing
    Technique(
        "random_erasing",
        "occlusion_mixing",
        0.5,
        "probability of erasing a 2-33 % box (cutout)",
        lambda f, vr, seed, **kw: keras.layers.RandomErasing(
            factor=(f, f), value_range=vr, seed=seed, **kw
        ),
        "keras",
    ),
    Technique(
        "mixup",
        "occlusion_mixing",
        0.2,
        "Beta(alpha, alpha) weights, alpha = factor (1: uniform weights)",
        lambda f, vr, seed: mixing.MixUp(max(f, 1e-3), seed=seed),
        "course",
    ),
    Technique(
        "cutmix",
        "occlusion_mixing",
        1.0,
        "Beta(alpha, alpha) box areas, alpha = factor",
        lambda f, vr, seed: mixing.CutMix(max(f, 1e-3), seed=seed),
        "course",
    ),
    # policies
    Technique(
        "randaugment",
        "policy",
        0.5,
        "RandAugment magnitude (2 ops per image)",
        lambda f, vr, seed, **kw: keras.layers.RandAugment(
            value_range=vr, factor=f, seed=seed, **kw
        ),
        "keras",
    ),
    Technique(
        "augmix",
        "policy",
        0.3,
        "AugMix severity",
        lambda f, vr, seed, **kw: keras.layers.AugMix(value_range=vr, factor=f, seed=seed, **kw),
        "keras",
    ),
    Technique(
        "autoaugment",
        "policy",
        1.0,
        "the ImageNet policy's published magnitudes",
        lambda f, vr, seed: policies.AutoAugment(f, value_range=vr, seed=seed),
        "course",
    ),
    Technique(
        "trivialaugment",
        "policy",
        1.0,
        "TrivialAugmentWide's maxima",
        lambda f, vr, seed: policies.TrivialAugment(f, value_range=vr, seed=seed),
        "course",
    ),
    # keras-cv extras (optional dependency)
    Technique(
        "grid_mask",
        "occlusion_mixing",
        0.5,
        "GridMask ratio (keras-cv)",
        _keras_cv("GridMask", lambda f: {"ratio_factor": (0.0, f)}),
        "keras-cv",
    ),
    Technique(
        "fourier_mix",
        "occlusion_mixing",
        0.5,
        "FourierMix alpha (keras-cv)",
        _keras_cv("FourierMix", lambda f: {"alpha": max(f, 1e-3)}),
        "keras-cv",
    ),
    Technique(
        "channel_shuffle",
        "photometric",
        1.0,
        "ChannelShuffle (keras-cv)",
        _keras_cv("ChannelShuffle", lambda f: {}),
        "keras-cv",
    ),
)
TECHNIQUES = {t.name: t for t in _TECHNIQUES}
FAMILIES = ("geometric", "photometric", "noise_blur", "occlusion_mixing", "policy")
MIXING = ("mixup", "cutmix", "fourier_mix")


def available(family=None):
    """Names accepted by `build`, optionally only one family's."""
    if family is not None:
        check_choice("family", family, FAMILIES)
    return tuple(t.name for t in _TECHNIQUES if family in (None, t.family))


def catalog():
    """Rows (name, family, default factor, what factor 1 means, source) for a table."""
    return [(t.name, t.family, t.default, t.meaning, t.source) for t in _TECHNIQUES]


def build(name, factor=None, value_range=(0, 1), seed=None, **options):
    """A Keras layer for technique `name` at strength `factor` in [0, 1] (None: its default).

    `options` go to the underlying layer (e.g. ``mode="vertical"`` for flip,
    ``fill_mode="constant"`` for rotation). Mixing layers take (images, one-hot labels).
    """
    check_choice("name", name, tuple(TECHNIQUES))
    technique = TECHNIQUES[name]
    factor = technique.default if factor is None else factor
    check_number("factor", factor, 0, 1)
    value_range = check_value_range(value_range)
    check_seed(seed)
    return technique.make(float(factor), value_range, seed, **options)
