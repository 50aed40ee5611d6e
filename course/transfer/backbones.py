"""Backbones by name (`keras.applications`), from a weights file, or the offline digits backbone.

ImageNet weights need a download (fine on Colab); offline, asking for them fails within
seconds with a message that names `pretrained_digits_backbone()`, which ships in the wheel
(`course.artifacts`).
"""

import difflib
import numbers
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import keras

from course import artifacts
from course.validation import check_choice, check_type

BACKBONES = {
    "MobileNetV2": keras.applications.MobileNetV2,
    "MobileNetV3Small": keras.applications.MobileNetV3Small,
    "EfficientNetB0": keras.applications.EfficientNetB0,
    "ResNet50": keras.applications.ResNet50,
    "DenseNet121": keras.applications.DenseNet121,
    "VGG16": keras.applications.VGG16,
}
MIN_SIZE = 32  # every listed architecture needs inputs of at least 32x32
WEIGHTS_HOST = "storage.googleapis.com"
# Weights only: the architecture is built by `digits_backbone_architecture`, so the file loads on
# every supported Keras (a whole-model .keras file saved by a newer Keras carries config keys an
# older one refuses, such as 3.15's initializer `input_axes`).
DIGITS_BACKBONE_FILE = "digits_backbone.weights.h5"  # a course.artifacts file


def _imagenet_reachable():
    from course.data.keras_datasets import is_online

    return is_online(WEIGHTS_HOST, timeout=3.0)


def load_backbone(name, input_shape, weights=None):
    """A headless `keras.applications` model; `weights` is None, "imagenet" or a weights file."""
    check_choice("name", name, tuple(BACKBONES))
    if (
        not isinstance(input_shape, Sequence)
        or isinstance(input_shape, str)
        or not all(isinstance(n, numbers.Integral) for n in input_shape)
    ):
        raise TypeError(
            f"input_shape must be a tuple (height, width, 3) of ints, got {input_shape!r}"
        )
    if len(input_shape) != 3 or min(input_shape[:2]) < MIN_SIZE or input_shape[2] != 3:
        raise ValueError(
            f"input_shape {tuple(input_shape)} is too small or not RGB for {name}: "
            f"need (height, width, 3) with height and width >= {MIN_SIZE}"
        )
    _check_weights(weights)
    if weights == "imagenet" and not _imagenet_reachable():
        raise ConnectionError(
            f"ImageNet weights for {name} need a download and {WEIGHTS_HOST} is unreachable. "
            "Offline, use course.transfer.pretrained_digits_backbone() (shipped in data/)."
        )
    file_weights = weights not in (None, "imagenet")
    model = BACKBONES[name](
        include_top=False, input_shape=tuple(input_shape), weights=None if file_weights else weights
    )
    if file_weights:
        _load_weights_file(model, Path(weights), name)
    return model


def _check_weights(weights):
    """`weights` is None, "imagenet" or the path of an existing ``.weights.h5``/``.h5`` file."""
    if weights is None or weights == "imagenet":
        return
    if not isinstance(weights, (str, os.PathLike)):
        raise TypeError(
            f"weights must be None, 'imagenet' or a weights file path, got {type(weights).__name__}"
        )
    if not Path(weights).is_file():
        close = difflib.get_close_matches(str(weights), ["imagenet"], n=1)
        hint = " (did you mean 'imagenet'?)" if close else ""
        raise ValueError(
            f"weights must be None, 'imagenet' or the path of an existing weights file; "
            f"got {str(weights)!r}, which is not a file{hint}"
        )


def _load_weights_file(model, path, name):
    """Load `path` into `model`; a file that does not fit raises one ValueError.

    Keras warns once per skipped layer before it raises, so the warnings are held back and only
    passed on when loading succeeds.
    """
    if not path.exists():
        raise FileNotFoundError(f"weights file not found: {path}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.load_weights(path)
        except ValueError as err:
            raise ValueError(
                f"weights file {path} does not fit the {name} architecture: {err}"
            ) from err
    for held in caught:
        warnings.warn_explicit(held.message, held.category, held.filename, held.lineno)


def digits_backbone_architecture():
    """Three conv-BN-ReLU blocks (32x32 RGB in, 8x8x64 out), untrained: a miniature of the
    architectures in keras.applications, and the architecture of `pretrained_digits_backbone`."""
    inputs = keras.Input((32, 32, 3), name="input_layer")  # the name the first shipped file had
    x = inputs
    for i, filters in enumerate((16, 32, 64)):
        x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{i + 1}")(x)
        # momentum 0.9: with only ~300 pretraining steps, 0.99 leaves the moving variance near 1
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"bn{i + 1}")(x)
        x = keras.layers.ReLU(name=f"relu{i + 1}")(x)
        if i < 2:
            x = keras.layers.MaxPooling2D(name=f"pool{i + 1}")(x)
    return keras.Model(inputs, x, name="digits_backbone")


def pretrained_digits_backbone(path=None):
    """The small CNN pretrained on digits 0-4 (32x32 RGB) by `scripts/pretrain_digits_backbone.py`.

    `digits_backbone_architecture` with the shipped `course.artifacts` weights, or those of the
    ``.weights.h5`` file `path` names.
    """
    if path is not None:
        check_type("path", path, (str, os.PathLike), "None or a .weights.h5 file path")
        if not Path(path).is_file():
            raise ValueError(f"path must be an existing .weights.h5 file, got {str(path)!r}")
    path = artifacts.path(DIGITS_BACKBONE_FILE) if path is None else Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing; rebuild it with `python scripts/pretrain_digits_backbone.py`"
        )
    model = digits_backbone_architecture()
    _load_weights_file(model, path, "digits backbone")
    return model
