"""The synthetic shapes generator: labels, knobs (size, rotation, colour, background), seeds."""

import numpy as np
import pytest

from course.data import SHAPES, load_shapes, make_shapes


def test_shapes_dtype_range_and_exact_balance():
    x, y = make_shapes(120, image_size=24, seed=0)
    assert x.shape == (120, 24, 24, 3) and x.dtype == np.float32
    assert y.dtype == np.int64 and 0.0 <= x.min() and x.max() <= 1.0
    np.testing.assert_array_equal(np.bincount(y), [20] * len(SHAPES))


def test_same_seed_same_images_other_seed_different():
    a, ya = make_shapes(30, seed=1)
    b, yb = make_shapes(30, seed=1)
    c, _ = make_shapes(30, seed=2)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ya, yb)
    assert not np.allclose(a, c)


def coverage(x):
    """Fraction of the image covered by a white shape on black."""
    return x[..., 0].mean(axis=(1, 2))


@pytest.mark.parametrize("diameter", [0.3, 0.6, 0.9])
def test_circle_area_matches_closed_form(diameter):
    x, _ = make_shapes(
        8,
        classes=("circle",),
        image_size=32,
        size_range=(diameter, diameter),
        colors=["white"],
        background="black",
        seed=0,
    )
    np.testing.assert_allclose(coverage(x), np.pi * diameter**2 / 4, rtol=0.03)


def test_square_area_and_rotation_knob():
    kw = dict(
        classes=("square",),
        image_size=32,
        size_range=(0.8, 0.8),
        colors=["white"],
        background="black",
        position_jitter=0.0,
        seed=0,
    )
    straight, _ = make_shapes(4, rotation_range=(0, 0), **kw)
    turned, _ = make_shapes(4, rotation_range=(45, 45), **kw)
    np.testing.assert_allclose(coverage(straight), 0.8**2 / 2, rtol=0.03)  # inscribed in the circle
    np.testing.assert_allclose(coverage(turned), coverage(straight), rtol=0.03)
    assert np.abs(turned - straight).max() > 0.9  # corners moved


def test_circles_ignore_rotation_and_stay_centred_without_jitter():
    kw = dict(
        classes=("circle", "ring"),
        size_range=(0.6, 0.6),
        colors=["white"],
        background="black",
        position_jitter=0.0,
        seed=3,
    )
    a, _ = make_shapes(6, rotation_range=(0, 0), **kw)
    b, _ = make_shapes(6, rotation_range=(90, 90), **kw)
    np.testing.assert_allclose(a, b, atol=1e-6)
    np.testing.assert_allclose(a, a[:, ::-1, ::-1], atol=1e-6)  # point-symmetric about the centre


def test_class_subset_and_colour_tied_to_class():
    x, y = make_shapes(
        40, classes=("ring", "star"), colors={"ring": "red", "star": (0, 0, 1)}, seed=0
    )
    assert set(y) == {0, 1}
    peak = x.max(axis=(1, 2))
    np.testing.assert_allclose(peak[y == 0], [[1, 0, 0]] * int((y == 0).sum()), atol=1e-6)
    np.testing.assert_allclose(peak[y == 1], [[0, 0, 1]] * int((y == 1).sum()), atol=1e-6)


def test_backgrounds():
    kw = dict(n=12, size_range=(0.3, 0.3), position_jitter=0.0, seed=0)
    white, _ = make_shapes(background="white", **kw)
    np.testing.assert_allclose(white[:, 0, 0], 1.0)
    noise, _ = make_shapes(background="noise", **kw)
    assert noise[:, :4, :4].std() > 0.05
    mixed, _ = make_shapes(background=["black", (0.2, 0.4, 0.6)], **kw)
    corners = {tuple(round(float(v), 3) for v in c) for c in mixed[:, 0, 0]}
    assert corners == {(0.0, 0.0, 0.0), (0.2, 0.4, 0.6)}


def test_class_weights_make_imbalance():
    _, y = make_shapes(
        600, classes=("circle", "square"), class_weights=(0.9, 0.1), image_size=8, seed=0
    )
    assert 0.85 < np.mean(y == 0) < 0.95


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"classes": ("circle", "hexagon")}, "classes"),
        ({"size_range": (0.5, 0.2)}, "size_range"),
        ({"size_range": (0.0, 0.5)}, "size_range"),
        ({"background": "plaid"}, "plaid"),
        ({"colors": {"circle": "red"}}, "colors"),
        ({"class_weights": (1, 2)}, "class_weights"),
        ({"n": 0}, "n"),
    ],
)
def test_invalid_knobs_raise_naming_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_shapes(**{"n": 10, **kwargs})


def test_load_shapes_split_is_fixed_and_stratified():
    split = load_shapes(n=300, classes=("circle", "square", "triangle"), image_size=16, seed=0)
    again = load_shapes(n=300, classes=("circle", "square", "triangle"), image_size=16, seed=0)
    assert split.sizes == (210, 45, 45)
    assert split.class_names == ("circle", "square", "triangle")
    assert split.input_shape == (16, 16, 3)
    np.testing.assert_array_equal(split.x_test, again.x_test)
    np.testing.assert_array_equal(np.bincount(split.y_test), [15, 15, 15])
