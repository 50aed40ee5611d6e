"""One resampling pass for any batch of per-image projective transforms, and the fixed
rotation, rescaling and translation built on it (used by augmentation demos and robustness
analysis alike).

`warp` takes Keras' 8-parameter transforms (output pixel -> input pixel, as in
`keras.ops.image.affine_transform`). The default "xla" resampler is an XLA-compiled gather
of the 2x2 neighbours that works on uint8 without a float copy of the image; on CPU it is
several times faster than TensorFlow's ImageProjectiveTransformV3 kernel at 224x224. The "tf"
resampler calls `keras.ops.image.affine_transform` (every fill mode, any backend).
"""

import math

import numpy as np
import tensorflow as tf
from keras import ops

from course.validation import check_choice, check_image_batch, check_number

RESAMPLERS = ("xla", "tf")
FILL_MODES = ("constant", "nearest", "reflect", "wrap")
XLA_FILL_MODES = ("constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")


def _gather_warp(images, transforms, fill_mode, fill_value, interpolation):
    """Bilinear/nearest resampling by gathering from a padded copy (traced under XLA)."""
    shape = tf.shape(images)
    b, h, w, c = shape[0], shape[1], shape[2], shape[3]
    constant = fill_mode == "constant"
    pad = [[0, 0], [1, 2], [1, 2], [0, 0]]
    if constant:
        padded = tf.pad(images, pad, constant_values=tf.cast(fill_value, images.dtype))
    else:
        padded = tf.pad(images, pad, mode="SYMMETRIC")
    hp, wp = h + 3, w + 3
    ys, xs = tf.meshgrid(
        tf.range(h, dtype=tf.float32), tf.range(w, dtype=tf.float32), indexing="ij"
    )
    t = tf.cast(transforms, tf.float32)[:, :, None, None]
    denom = t[:, 6] * xs + t[:, 7] * ys + 1.0
    x_in = (t[:, 0] * xs + t[:, 1] * ys + t[:, 2]) / denom
    y_in = (t[:, 3] * xs + t[:, 4] * ys + t[:, 5]) / denom
    wf, hf = tf.cast(w, tf.float32), tf.cast(h, tf.float32)
    low = -1.0 if constant else 0.0
    x_in = tf.clip_by_value(x_in, low, wf if constant else wf - 1.0) + 1.0
    y_in = tf.clip_by_value(y_in, low, hf if constant else hf - 1.0) + 1.0
    flat = tf.reshape(padded, (-1, c))
    base = (tf.range(b) * hp * wp)[:, None, None]
    if interpolation == "nearest":
        idx = base + tf.cast(tf.round(y_in), tf.int32) * wp + tf.cast(tf.round(x_in), tf.int32)
        return tf.gather(flat, idx)
    x0, y0 = tf.floor(x_in), tf.floor(y_in)
    wx, wy = (x_in - x0)[..., None], (y_in - y0)[..., None]
    idx = base + tf.cast(y0, tf.int32) * wp + tf.cast(x0, tf.int32)

    def tap(offset):
        return tf.cast(tf.gather(flat, idx + offset), tf.float32)

    p00, p01, p10, p11 = tap(0), tap(1), tap(wp), tap(wp + 1)
    top = p00 + wx * (p01 - p00)
    bottom = p10 + wx * (p11 - p10)
    out = top + wy * (bottom - top)
    if images.dtype.is_integer:
        out = tf.round(out)
    return tf.cast(out, images.dtype)


_xla_gather_warp = tf.function(_gather_warp, jit_compile=True, reduce_retracing=True)


def warp(
    images,
    transforms,
    fill_mode="constant",
    fill_value=0.0,
    interpolation="bilinear",
    resampler="xla",
):
    """Resample a (N, H, W, C) batch once with one 8-parameter transform per image."""
    check_choice("resampler", resampler, RESAMPLERS)
    check_choice("fill_mode", fill_mode, FILL_MODES)
    check_choice("interpolation", interpolation, INTERPOLATIONS)
    if resampler == "xla" and fill_mode in XLA_FILL_MODES:
        return _xla_gather_warp(images, transforms, fill_mode, float(fill_value), interpolation)
    dtype = images.dtype
    out = ops.image.affine_transform(
        ops.cast(images, "float32"),
        transforms,
        interpolation=interpolation,
        fill_mode=fill_mode,
        fill_value=fill_value,
    )
    if "int" in str(dtype):
        out = ops.round(out)
    return ops.cast(out, dtype)


def centered(matrices, height, width):
    """Turn (N, 3, 3) maps on centre-relative coordinates into Keras' 8-parameter transforms."""
    cx = (ops.cast(width, "float32") - 1.0) / 2.0
    cy = (ops.cast(height, "float32") - 1.0) / 2.0
    m = matrices
    a0, a1, a2 = m[:, 0, 0], m[:, 0, 1], m[:, 0, 2]
    b0, b1, b2 = m[:, 1, 0], m[:, 1, 1], m[:, 1, 2]
    c0, c1, c2 = m[:, 2, 0], m[:, 2, 1], m[:, 2, 2]
    # p_in = C M C^-1 p_out, with C the translation by the centre, then normalise c2 to 1.
    k = c2 - c0 * cx - c1 * cy
    rows = [
        a0 + cx * c0,
        a1 + cx * c1,
        a2 - a0 * cx - a1 * cy + cx * k,
        b0 + cy * c0,
        b1 + cy * c1,
        b2 - b0 * cx - b1 * cy + cy * k,
        c0,
        c1,
    ]
    rows = [r / k for r in rows[:6]] + [rows[6] / k, rows[7] / k]
    return ops.stack(rows, axis=1)


def _fixed(images, matrix, fill_mode, fill_value, interpolation, resampler):
    """Warp every image with one centre-relative 3x3 `matrix` (output -> input coordinates)."""
    x = tf.convert_to_tensor(check_image_batch("images", images))
    if not x.dtype.is_integer:
        x = tf.cast(x, tf.float32)
    height, width = x.shape[1], x.shape[2]
    transform = centered(np.asarray([matrix], "float32"), height, width)
    transforms = tf.tile(tf.convert_to_tensor(transform), [tf.shape(x)[0], 1])
    return warp(x, transforms, fill_mode, fill_value, interpolation, resampler)


def rotate(
    images, degrees, fill_mode="constant", fill_value=0.0, interpolation="bilinear", resampler="xla"
):
    """Rotate every image of a (N, H, W, C) batch by exactly `degrees` counter-clockwise about
    its centre (the sign of `keras.layers.RandomRotation`)."""
    theta = math.radians(check_number("degrees", degrees))
    c, s = math.cos(theta), math.sin(theta)
    # output pixel p samples the input at R(-theta) p about the centre, (x right, y down)
    matrix = [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]
    return _fixed(images, matrix, fill_mode, fill_value, interpolation, resampler)


def rescale(
    images, factor, fill_mode="constant", fill_value=0.0, interpolation="bilinear", resampler="xla"
):
    """Scale image content by `factor` about the centre (< 1 shrinks it, > 1 enlarges it)."""
    inverse = 1.0 / check_number("factor", factor, 0, low_open=True)
    matrix = [[inverse, 0.0, 0.0], [0.0, inverse, 0.0], [0.0, 0.0, 1.0]]
    return _fixed(images, matrix, fill_mode, fill_value, interpolation, resampler)


def translate(
    images, dx, dy, fill_mode="constant", fill_value=0.0, interpolation="bilinear", resampler="xla"
):
    """Move the content of every image of a (N, H, W, C) batch by `dx` pixels right and `dy`
    pixels down (the sign of `keras.layers.RandomTranslation`); fractions of a pixel interpolate."""
    dx, dy = check_number("dx", dx), check_number("dy", dy)
    matrix = [[1.0, 0.0, -dx], [0.0, 1.0, -dy], [0.0, 0.0, 1.0]]
    return _fixed(images, matrix, fill_mode, fill_value, interpolation, resampler)
