"""Datasets and input pipelines.

Embedded, offline data: `load_digits` (scikit-learn's real handwritten digits; `digits_rgb`, the
32x32 RGB transfer task), `load_shapes` /
`make_shapes` (synthetic, class-controllable), `load_sample_photos` (two real photos) and the
six-fruit tables of `course.data.fruits`.
`load_mnist`, `load_fashion_mnist`, `load_cifar10` use the Keras cache and fail fast offline.
`make_pipeline` builds tf.data pipelines in the safe order; `ImageFolderDataset` is the
`keras.utils.PyDataset` example. Every loader returns a `Split` (NumPy arrays + `.datasets()`).
`ImageFolderDataset` and `write_image_folder` load on first use (they import Keras).
"""

from course._lazy import lazy_exports
from course.data.digits import digits_rgb, load_digits
from course.data.keras_datasets import (
    KERAS_DATASETS,
    DatasetUnavailableError,
    is_online,
    load_cifar10,
    load_fashion_mnist,
    load_keras_dataset,
    load_mnist,
)
from course.data.photos import SAMPLE_PHOTO_NAMES, load_sample_photos
from course.data.pipeline import make_pipeline, repeated_draws
from course.data.shapes import BACKGROUNDS, SHAPES, load_shapes, make_shapes
from course.data.split import Split, train_test

__all__ = [
    "BACKGROUNDS",
    "KERAS_DATASETS",
    "SAMPLE_PHOTO_NAMES",
    "SHAPES",
    "DatasetUnavailableError",
    "ImageFolderDataset",
    "Split",
    "digits_rgb",
    "is_online",
    "load_cifar10",
    "load_digits",
    "load_fashion_mnist",
    "load_keras_dataset",
    "load_mnist",
    "load_sample_photos",
    "load_shapes",
    "make_pipeline",
    "make_shapes",
    "repeated_draws",
    "train_test",
    "write_image_folder",
]


# Loaded on first access: the image folder dataset subclasses a Keras class.
__getattr__, __dir__, _ = lazy_exports(
    __name__, {"image_folder": ("ImageFolderDataset", "write_image_folder")}
)
