"""The one fixed rotation and rescaling (`course.augment.warp`) equal Keras' random layers at a
fixed factor, for every fill mode and both resamplers; augmentation and analysis share them."""

import keras
import numpy as np
import pytest

from course import analysis
from course.augment import demo
from course.augment.warp import rescale, rotate


@pytest.mark.parametrize("fill_mode", ["nearest", "constant"])
@pytest.mark.parametrize("resampler", ["xla", "tf"])
@pytest.mark.parametrize("degrees", [30, -45, 90])
def test_rotate_matches_keras_random_rotation_counter_clockwise(
    shape_images, degrees, resampler, fill_mode
):
    layer = keras.layers.RandomRotation((degrees / 360, degrees / 360), fill_mode=fill_mode)
    out = rotate(shape_images, degrees, fill_mode=fill_mode, resampler=resampler)
    np.testing.assert_allclose(out, layer(shape_images, training=True), atol=1e-4)
    dot = np.zeros((1, 9, 9, 1), "float32")
    dot[0, 4, 7] = 1  # right of centre
    if degrees == 90:
        assert np.argwhere(np.asarray(rotate(dot, 90))[0, ..., 0] > 0.5).tolist() == [
            [1, 4]
        ]  # above


@pytest.mark.parametrize("fill_mode", ["nearest", "constant"])
@pytest.mark.parametrize("factor", [0.5, 0.8, 1.25])
def test_rescale_matches_keras_random_zoom(shape_images, factor, fill_mode):
    zoom = 1 / factor - 1
    layer = keras.layers.RandomZoom((zoom, zoom), fill_mode=fill_mode)
    np.testing.assert_allclose(
        rescale(shape_images, factor, fill_mode=fill_mode),
        layer(shape_images, training=True),
        atol=1e-4,
    )


def test_uint8_images_stay_uint8_and_round():
    x = (np.arange(2 * 6 * 6 * 1) % 256).astype("uint8").reshape(2, 6, 6, 1)
    out = np.asarray(rotate(x, 90))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(
        out, np.rot90(x, 1, axes=(1, 2))
    )  # a quarter turn moves pixels exactly


def test_augmentation_and_analysis_share_one_rotation():
    assert demo.rotate is rotate and analysis.rotate is rotate and analysis.rescale is rescale
    assert not hasattr(demo, "sample_photos")  # the photos have one home: course.data


@pytest.mark.parametrize(
    ("call", "arg"),
    [
        (lambda x: rotate(x, float("nan")), "degrees"),
        (lambda x: rotate(x, 10, fill_mode="mirror"), "fill_mode"),
        (lambda x: rescale(x, 0), "factor"),
        (lambda x: rescale(x, 2, resampler="cv2"), "resampler"),
    ],
)
def test_bad_arguments_are_named(shape_images, call, arg):
    with pytest.raises((ValueError, TypeError), match=arg):
        call(shape_images)
