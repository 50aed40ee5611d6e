"""Mixing layers that take (images, one-hot labels) and mix the labels with the same weights
as the pixels, plus `RandomApply` (apply any layer to a random subset of a batch).

Each image i is paired with image perm[i] of the same batch. MixUp blends
lam * x_i + (1 - lam) * x_perm and the labels alike. CutMix pastes an integer box of the
partner; its label weight is the pasted pixel count over H*W exactly (Keras' `CutMix` uses a
fractional box, so its label weight and the pasted area differ by up to a row and a column).
Both accept a tuple (images, labels) or Keras' dict {"images": ..., "labels": ...}.
"""

import keras
import numpy as np
from keras import ops

from course.augment._base import as_batch, per_image_choice
from course.validation import check_number, check_seed


def _unpack(data):
    if isinstance(data, dict):
        return data["images"], data["labels"], "dict"
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return data[0], data[1], "tuple"
    raise ValueError(
        "mixing layers take (images, one_hot_labels) or "
        f"{{'images': ..., 'labels': ...}}, got {type(data).__name__}"
    )


def _shape_and_dtype(x):
    """Static shape and dtype name of an array, tensor or KerasTensor (lists become arrays)."""
    if not hasattr(x, "shape"):
        x = np.asarray(x)
    return tuple(x.shape), keras.backend.standardize_dtype(x.dtype)


def check_mixable(images, labels):
    """Mixing blends label rows, so `labels` must be one-hot or soft: shape (batch, classes),
    one row per image. Integer class indices (shape (batch,) or (batch, 1)) would be blended
    into meaningless numbers, so they are refused with the conversion to use."""
    (image_shape, _), (shape, dtype) = _shape_and_dtype(images), _shape_and_dtype(labels)
    indices = len(shape) == 1 or (len(shape) == 2 and shape[1] == 1 and "int" in dtype)
    if indices or len(shape) != 2:
        hint = "; class indices cannot be mixed: pass keras.ops.one_hot(labels, num_classes)"
        raise ValueError(
            f"labels must be one-hot or soft labels of shape (batch, classes), got "
            f"{dtype} labels of shape {shape}" + (hint if indices else "")
        )
    if len(image_shape) != 4:
        raise ValueError(
            f"images must be a batch of shape (batch, height, width, channels), "
            f"got shape {image_shape}"
        )
    if None not in (shape[0], image_shape[0]) and shape[0] != image_shape[0]:
        raise ValueError(
            f"labels must have one row per image: {image_shape[0]} images, "
            f"got {shape[0]} label rows"
        )


def _pack(images, labels, kind):
    return {"images": images, "labels": labels} if kind == "dict" else (images, labels)


class _Mixing(keras.layers.Layer):
    """Shared pairing, seeding and config of the mixing layers."""

    def __init__(self, factor=1.0, seed=None, **kwargs):
        check_number("factor", factor, 0, 1, low_open=True)
        check_seed(seed)
        super().__init__(**kwargs)
        self.factor, self.seed = factor, seed
        self.generator = keras.random.SeedGenerator(seed)
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True

    def __call__(self, data, *args, **kwargs):
        check_mixable(*_unpack(data)[:2])  # before Keras wraps the error in its call context
        return super().__call__(data, *args, **kwargs)

    def call(self, data, training=True):
        images, labels, kind = _unpack(data)
        if not training:
            return data
        images = ops.cast(images, "float32")
        labels = ops.cast(labels, "float32")
        n = ops.shape(images)[0]
        perm = keras.random.shuffle(ops.arange(n), seed=self.generator)
        lam = keras.random.beta((n,), self.factor, self.factor, seed=self.generator)
        images, weight = self.mix(images, ops.take(images, perm, axis=0), lam)
        weight = ops.reshape(weight, (-1, 1))
        labels = weight * labels + (1.0 - weight) * ops.take(labels, perm, axis=0)
        return _pack(images, labels, kind)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}


@keras.saving.register_keras_serializable(package="course")
class MixUp(_Mixing):
    """MixUp (Zhang et al. 2018): lam ~ Beta(factor, factor), pixels and labels blended alike."""

    def mix(self, images, partners, lam):
        w = ops.reshape(lam, (-1, 1, 1, 1))
        return w * images + (1.0 - w) * partners, lam


@keras.saving.register_keras_serializable(package="course")
class CutMix(_Mixing):
    """CutMix (Yun et al. 2019): paste a box of area ~(1 - lam) from the partner image.

    The box has integer sides and lies inside the image, so the returned own-label weight,
    1 - box_area / (H * W), is exactly the fraction of pixels that still come from image i.
    """

    def mix(self, images, partners, lam):
        shape = ops.shape(images)
        n, h, w = shape[0], shape[1], shape[2]
        hf, wf = ops.cast(h, "float32"), ops.cast(w, "float32")
        side = ops.sqrt(1.0 - lam)
        cut_h = ops.round(side * hf)
        cut_w = ops.round(side * wf)
        top = ops.floor(keras.random.uniform((n,), seed=self.generator) * (hf - cut_h + 1.0))
        left = ops.floor(keras.random.uniform((n,), seed=self.generator) * (wf - cut_w + 1.0))
        rows = ops.arange(h, dtype="float32")[None, :, None]
        cols = ops.arange(w, dtype="float32")[None, None, :]
        top, left = ops.reshape(top, (-1, 1, 1)), ops.reshape(left, (-1, 1, 1))
        cut_h, cut_w = ops.reshape(cut_h, (-1, 1, 1)), ops.reshape(cut_w, (-1, 1, 1))
        inside = (rows >= top) & (rows < top + cut_h) & (cols >= left) & (cols < left + cut_w)
        mixed = ops.where(inside[..., None], partners, images)
        weight = 1.0 - ops.reshape(cut_h * cut_w, (-1,)) / (hf * wf)
        return mixed, weight


@keras.saving.register_keras_serializable(package="course")
class RandomApply(keras.layers.Layer):
    """Apply `layer` to each image independently with probability `rate` (else pass it through)."""

    def __init__(self, layer, rate=0.5, seed=None, **kwargs):
        if not isinstance(layer, keras.layers.Layer):
            raise TypeError(f"layer must be a keras.layers.Layer, got {type(layer).__name__}")
        check_number("rate", rate, 0, 1)
        check_seed(seed)
        super().__init__(**kwargs)
        self.layer, self.rate, self.seed = layer, rate, seed
        self.generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)

    def call(self, images, training=True):
        if not training:
            return images
        x, batched = as_batch(images)
        hit = keras.random.uniform((ops.shape(x)[0],), seed=self.generator) < self.rate
        out = ops.cast(self.layer(x, training=True), x.dtype)
        out = per_image_choice(hit, x, out)
        return out if batched else out[0]

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "layer": keras.saving.serialize_keras_object(self.layer),
            "rate": self.rate,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["layer"] = keras.saving.deserialize_keras_object(config["layer"])
        return cls(**config)
