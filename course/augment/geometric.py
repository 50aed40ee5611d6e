"""Geometric layers Keras lacks: the fused affine layer (flip, rotation, zoom, translation and
shear composed into one warp per image) and random resized crop (crop, then resize back).

Stacked `keras.layers.Random*` resample the image once per layer (blurring it each time and
paying the cost each time); `FusedGeometric` multiplies the per-image matrices and resamples
once. Strengths follow the package convention: 1 means the maxima below.
"""

import math

import keras
import numpy as np
from keras import ops

from course.augment._base import (
    ImageAugmentation,
    check_factor,
    check_value_range,
    uniform,
)
from course.augment.warp import FILL_MODES, INTERPOLATIONS, RESAMPLERS, centered, warp
from course.keras_compat import image_preprocessing_layer
from course.validation import check_choice, check_number, check_seed

MAX_ROTATION_DEGREES = 180.0  # rotation=1 -> angles in +-180 degrees
MAX_ZOOM = 0.5  # zoom=1 -> scale change in +-50 %
MAX_TRANSLATION = 0.5  # translation=1 -> shifts of up to half the height/width
MAX_SHEAR = 1.0  # shear=1 -> shear slopes in +-1 (45 degrees)
FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


def _stack3(rows):
    """(N, 3, 3) from nine (N,) tensors in row order."""
    return ops.reshape(ops.stack(rows, axis=1), (-1, 3, 3))


def flip_matrices(flip_x, flip_y):
    """Centre-relative mirror maps: -1 where an image is flipped along that axis, else 1."""
    zero, one = ops.zeros_like(flip_x), ops.ones_like(flip_x)
    return _stack3([flip_x, zero, zero, zero, flip_y, zero, zero, zero, one])


def rotation_matrices(degrees):
    """Keras' rotation convention (as `keras.layers.RandomRotation`): output -> input map."""
    theta = degrees * (math.pi / 180.0)
    cos, sin = ops.cos(theta), ops.sin(theta)
    zero, one = ops.zeros_like(theta), ops.ones_like(theta)
    return _stack3([cos, -sin, zero, sin, cos, zero, zero, zero, one])


def zoom_matrices(zoom_x, zoom_y):
    """Keras' zoom convention (`keras.layers.RandomZoom`): scale > 1 zooms out."""
    zero, one = ops.zeros_like(zoom_x), ops.ones_like(zoom_x)
    return _stack3([zoom_x, zero, zero, zero, zoom_y, zero, zero, zero, one])


def shear_matrices(shear_x, shear_y):
    """Shear about the image centre: x_in = x + sx*y, y_in = sy*x + y."""
    zero, one = ops.zeros_like(shear_x), ops.ones_like(shear_x)
    return _stack3([one, shear_x, zero, shear_y, one, zero, zero, zero, one])


def translation_matrices(dx, dy):
    """Keras' translation convention (`keras.layers.RandomTranslation`): +dx moves content right."""
    zero, one = ops.zeros_like(dx), ops.ones_like(dx)
    return _stack3([one, zero, -dx, zero, one, -dy, zero, zero, one])


@keras.saving.register_keras_serializable(package="course")
class FusedGeometric(image_preprocessing_layer()):
    """Random flip, rotation, zoom, translation and shear as ONE projective warp per image.

    Applied in that order (flip first): the per-image output->input matrix is
    F @ R @ Z @ S @ T, so the result equals the stacked layers up to a single resampling.
    Strengths are in [0, 1] (1 = the module maxima) or (low, high) pairs in [-1, 1] for a fixed
    range; `flip` is a mode or None, flipped with `flip_probability`. `resampler="xla"` keeps
    uint8 images in uint8 and is the fast CPU path; "tf" supports the reflect and wrap fills.

    A Keras image augmentation layer: `get_random_transformation` draws the per-image warps
    and `transform_images` applies them, so a dict {"images", "labels", "segmentation_masks"}
    gets the same warp on images and masks (masks resampled nearest) and labels pass through.

    Call arguments:
        data: images (H, W, C) or (N, H, W, C), or a dict with an "images" key.
        training: the identity when False.
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        flip="horizontal",
        flip_probability=0.5,
        rotation=0.0,
        zoom=0.0,
        translation=0.0,
        shear=0.0,
        fill_mode="constant",
        fill_value=0.0,
        interpolation="bilinear",
        resampler="xla",
        value_range=(0, 1),
        seed=None,
        data_format=None,
        **kwargs,
    ):
        if flip is not None:
            check_choice("flip", flip, FLIP_MODES)
        settings = {
            "flip": flip,
            "flip_probability": check_number("flip_probability", flip_probability, 0, 1),
            "rotation": check_factor("rotation", rotation, signed=True),
            "zoom": check_factor("zoom", zoom, signed=True),
            "translation": check_factor("translation", translation, signed=True),
            "shear": check_factor("shear", shear, signed=True),
            "fill_mode": check_choice("fill_mode", fill_mode, FILL_MODES),
            "fill_value": check_number("fill_value", fill_value),
            "interpolation": check_choice("interpolation", interpolation, INTERPOLATIONS),
            "resampler": check_choice("resampler", resampler, RESAMPLERS),
            "value_range": check_value_range(value_range),
            "seed": check_seed(seed),
        }
        if data_format not in (None, "channels_last"):
            raise ValueError(
                f"data_format must be None or 'channels_last' (the warp reads "
                f"(N, H, W, C) images), got {data_format!r}"
            )
        super().__init__(data_format="channels_last", **kwargs)
        for name, value in settings.items():
            setattr(self, name, value)
        self.generator = keras.random.SeedGenerator(seed)

    def __call__(self, data, **kwargs):
        """Keras' DataLayer casts inputs met inside tf.data to the compute dtype (float32) so that
        other backends can run there; under the TensorFlow backend that detour only throws away
        the uint8 fast path (4x the memory traffic), so it is skipped. Images of a rank other than
        4 (a batch) or 3 (one image) are refused before Keras indexes into their shape."""
        images = data["images"] if isinstance(data, dict) and "images" in data else data
        shape = tuple(getattr(images, "shape", np.shape(images)))
        if len(shape) not in (3, 4):
            raise ValueError(
                "images must have shape (batch, height, width, channels) or (height, width, "
                f"channels), got shape {shape}"
            )
        if keras.backend.backend() == "tensorflow":
            return keras.layers.Layer.__call__(self, data, **kwargs)
        return super().__call__(data, **kwargs)

    def matrices(self, batch, height, width):
        """Draw the per-image (N, 3, 3) centre-relative output->input maps."""

        def draw(strength_range, scale):
            low, high = strength_range
            return uniform((batch,), low * scale, high * scale, self.generator)

        def flips(active):
            if not active:
                return ops.ones((batch,))
            hit = keras.random.uniform((batch,), seed=self.generator) < self.flip_probability
            return ops.where(hit, -1.0, 1.0)

        m = flip_matrices(
            flips(self.flip in ("horizontal", "horizontal_and_vertical")),
            flips(self.flip in ("vertical", "horizontal_and_vertical")),
        )
        if self.rotation != (0.0, 0.0):
            m = m @ rotation_matrices(draw(self.rotation, MAX_ROTATION_DEGREES))
        if self.zoom != (0.0, 0.0):
            z = 1.0 + draw(self.zoom, MAX_ZOOM)
            m = m @ zoom_matrices(z, z)
        if self.shear != (0.0, 0.0):
            m = m @ shear_matrices(draw(self.shear, MAX_SHEAR), draw(self.shear, MAX_SHEAR))
        if self.translation != (0.0, 0.0):
            w, h = ops.cast(width, "float32"), ops.cast(height, "float32")
            m = m @ translation_matrices(
                draw(self.translation, MAX_TRANSLATION) * w,
                draw(self.translation, MAX_TRANSLATION) * h,
            )
        return m

    def get_random_transformation(self, data, training=True, seed=None):
        """Keras' hook: the (N, 8) warps for this batch (None when not training)."""
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        shape = ops.shape(images)
        if len(shape) == 3:  # a single image: Keras adds the batch axis before transforming
            shape = (1, *shape)
        return centered(self.matrices(shape[0], shape[1], shape[2]), shape[1], shape[2])

    def transform_images(self, images, transformation, training=True):
        """Keras' hook: one resampling of the batch (uint8 stays uint8 with the xla resampler)."""
        if not training:
            return images
        return warp(
            images,
            transformation,
            self.fill_mode,
            self.fill_value,
            self.interpolation,
            self.resampler,
        )

    def transform_labels(self, labels, transformation, training=True):
        """Class labels do not change under a geometric warp."""
        return labels

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        """The images' warp, resampled nearest so class ids are never blended."""
        if not training:
            return segmentation_masks
        return warp(
            segmentation_masks, transformation, self.fill_mode, 0.0, "nearest", self.resampler
        )

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        raise NotImplementedError(
            "FusedGeometric does not transform bounding boxes; use "
            "Keras' Random* layers with bounding_box_format for detection"
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "flip": self.flip,
            "flip_probability": self.flip_probability,
            "rotation": self.rotation,
            "zoom": self.zoom,
            "translation": self.translation,
            "shear": self.shear,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "interpolation": self.interpolation,
            "resampler": self.resampler,
            "value_range": self.value_range,
            "seed": self.seed,
        }


RandomAffine = FusedGeometric


@keras.saving.register_keras_serializable(package="course")
class RandomResizedCrop(ImageAugmentation):
    """Crop a random box and resize it back to the input size, in one resampling.

    factor=f keeps an area fraction drawn from [max(1 - f, 0.08), 1] with a log aspect ratio in
    +-f*ln(4/3); f=1 is torchvision's RandomResizedCrop default (scale 0.08-1, ratio 3/4-4/3),
    and the notes' ``scale=(0.8, 1.0)`` is f=0.2.
    """

    def __init__(
        self, factor=0.2, interpolation="bilinear", value_range=(0, 1), seed=None, **kwargs
    ):
        factor = check_factor("factor", factor)
        check_choice("interpolation", interpolation, INTERPOLATIONS)
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.factor, self.interpolation = factor, interpolation

    def augment(self, images):
        shape = ops.shape(images)
        n = shape[0]
        h, w = ops.cast(shape[1], "float32"), ops.cast(shape[2], "float32")
        strength = uniform((n,), self.factor[0], self.factor[1], self.generator)
        area = uniform((n,), 0.0, 1.0, self.generator) * ops.minimum(strength, 0.92)
        area = 1.0 - area
        log_ratio = uniform((n,), -1.0, 1.0, self.generator) * strength * math.log(4 / 3)
        ratio = ops.exp(log_ratio)
        crop_w = ops.minimum(ops.sqrt(area * ratio), 1.0) * w
        crop_h = ops.minimum(ops.sqrt(area / ratio), 1.0) * h
        left = uniform((n,), 0.0, 1.0, self.generator) * (w - crop_w)
        top = uniform((n,), 0.0, 1.0, self.generator) * (h - crop_h)
        sx, sy = crop_w / w, crop_h / h
        zero = ops.zeros_like(sx)
        # Output pixel centre x + 0.5 lands on left + (x + 0.5) * sx in the input.
        transforms = ops.stack(
            [sx, zero, left + 0.5 * sx - 0.5, zero, sy, top + 0.5 * sy - 0.5, zero, zero], axis=1
        )
        return warp(images, transforms, "nearest", 0.0, self.interpolation)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "interpolation": self.interpolation}
