"""Solutions to the exercises of notebooks/session07/01_augmentation_catalog.ipynb, each
written as a test that asserts the outcome the exercise asks the student to predict or find."""

import colorsys

import keras
import numpy as np
import pytest

from course import augment


def test_exercise1_flip_probability_is_half_the_factor():
    x = np.random.default_rng(0).uniform(size=(2000, 8, 8, 1)).astype("float32")
    out = np.asarray(augment.build("flip", factor=0.5, seed=0)(x, training=True))
    mirrored = np.all(np.isclose(out, x[:, :, ::-1]), axis=(1, 2, 3))
    untouched = np.all(np.isclose(out, x), axis=(1, 2, 3))
    assert np.all(mirrored ^ untouched)  # each image is either mirrored or left alone
    p, n = 0.25, len(x)  # factor / 2
    assert abs(mirrored.mean() - p) < 4 * np.sqrt(p * (1 - p) / n)


def test_exercise2_keras_perspective_keeps_the_top_left_corner():
    img = np.zeros((200, 32, 32, 1), "float32")
    img[:, :2, :2] = 1.0  # a bright top-left corner
    img[:, -2:, -2:] = 1.0  # and a bright bottom-right one
    out = np.asarray(
        keras.layers.RandomPerspective(factor=(1.0, 1.0), scale=1.0, seed=0)(img, training=True)
    )
    assert np.all(out[:, 0, 0, 0] > 0.99)  # end = start + start * u: (0, 0) never moves
    assert (out[:, -1, -1, 0] > 0.99).mean() < 0.2  # the far corner moves by up to +-50 % of 31 px


def largest_hue_shift(hue, n=500):
    """Largest |hue change| in turns that build("color_jitter", 0, hue=hue) makes, measured by
    colorsys."""
    colour = (0.9, 0.5, 0.2)
    images = np.broadcast_to(np.float32(colour), (n, 2, 2, 3)).copy()
    out = np.asarray(
        augment.build("color_jitter", factor=0.0, hue=hue, seed=0)(images, training=True)
    )[:, 0, 0]
    base = colorsys.rgb_to_hsv(*colour)[0]
    return max(abs((colorsys.rgb_to_hsv(*p)[0] - base + 0.5) % 1.0 - 0.5) for p in out)


def test_exercise3_hue_one_is_a_quarter_turn_and_torchvision_hue_point_one_is_hue_point_four():
    assert largest_hue_shift(1.0) == pytest.approx(0.25, abs=0.01)  # not half a turn
    assert largest_hue_shift(0.4) == pytest.approx(
        0.10, abs=0.01
    )  # torchvision ColorJitter(hue=0.1)


def test_exercise4_the_fused_warp_flips_first_then_rotates():
    x = np.random.default_rng(1).uniform(size=(1, 9, 9, 1)).astype("float32")
    layer = augment.FusedGeometric(
        flip="horizontal", flip_probability=1.0, rotation=(0.5, 0.5)
    )  # +90 deg
    out = np.asarray(layer(x, training=True))[0]
    flip_then_rotate = np.rot90(np.flip(x[0], axis=1), 1, axes=(0, 1))
    rotate_then_flip = np.flip(np.rot90(x[0], 1, axes=(0, 1)), axis=1)
    np.testing.assert_allclose(out, flip_then_rotate, atol=1e-5)
    assert np.abs(out - rotate_then_flip).max() > 0.1  # a mirror and a rotation do not commute
    np.testing.assert_array_equal(
        rotate_then_flip, np.rot90(np.flip(x[0], axis=1), -1, axes=(0, 1))
    )
