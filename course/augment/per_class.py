"""Per-class policies: a stronger augmentation for under-represented classes (Session 7 1.3),
so rare classes get more variety without distorting the common ones."""

import keras
import numpy as np
from keras import ops

from course.augment._base import per_image_choice
from course.validation import check_examples, check_number


def under_represented(labels, ratio=0.5):
    """Classes with fewer than `ratio` times the count of the most frequent class."""
    check_number("ratio", ratio, 0, 1, low_open=True)
    labels = check_examples("labels", labels, ndim=(1, 2), allow_empty=True)
    if labels.size == 0:
        raise ValueError(
            f"labels must hold at least one label (integer or one-hot), got shape {labels.shape}"
        )
    labels = labels.argmax(-1) if labels.ndim == 2 else labels.reshape(-1)
    classes, counts = np.unique(labels, return_counts=True)
    return tuple(int(c) for c in classes[counts < ratio * counts.max()])


@keras.saving.register_keras_serializable(package="course")
class PerClassAugment(keras.layers.Layer):
    """Apply `strong` to images whose class is in `strong_classes` and `weak` to the rest.

    Called on (images, labels) with integer or one-hot labels; returns (images, labels).
    """

    def __init__(self, weak, strong, strong_classes, **kwargs):
        for name, layer in (("weak", weak), ("strong", strong)):
            if not isinstance(layer, keras.layers.Layer):
                raise TypeError(f"{name} must be a keras.layers.Layer, got {type(layer).__name__}")
        if isinstance(strong_classes, (str, bytes)) or not hasattr(strong_classes, "__iter__"):
            raise TypeError(f"strong_classes must be a list of class ids, got {strong_classes!r}")
        strong_classes = tuple(strong_classes)
        if not strong_classes:
            raise ValueError("strong_classes must name at least one class, got an empty list")
        for c in strong_classes:
            check_number("strong_classes[i]", c, 0, integer=True)
        super().__init__(**kwargs)
        self.weak, self.strong = weak, strong
        self.strong_classes = tuple(int(c) for c in strong_classes)
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True

    def call(self, data, training=True):
        images, labels = data
        if not training:
            return images, labels
        ids = ops.argmax(labels, axis=-1) if len(labels.shape) == 2 else ops.reshape(labels, (-1,))
        ids = ops.cast(ids, "int32")
        rare = ops.any(ops.stack([ops.equal(ids, c) for c in self.strong_classes], axis=0), axis=0)
        weak = self.weak(images, training=True)
        strong = ops.cast(self.strong(images, training=True), weak.dtype)
        return per_image_choice(rare, weak, strong), labels

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "weak": keras.saving.serialize_keras_object(self.weak),
            "strong": keras.saving.serialize_keras_object(self.strong),
            "strong_classes": list(self.strong_classes),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("weak", "strong"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
