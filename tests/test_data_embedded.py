"""Embedded loaders: digits (backward compatible) and scikit-learn's sample photos."""

import numpy as np
import pytest

from course.data import SAMPLE_PHOTO_NAMES, Split, load_digits, load_sample_photos


def test_digits_split_is_backward_compatible():
    split = load_digits(max_samples=300)
    assert isinstance(split, Split)
    assert split.sizes == (210, 45, 45)
    assert split.input_shape == (8, 8, 1) and split.num_classes == 10
    train, val, test = split.datasets(32)
    xb, yb = next(iter(train))
    assert tuple(xb.shape) == (32, 8, 8, 1) and yb.dtype.name == "int64"
    assert sum(int(b[1].shape[0]) for b in test) == 45


def test_digits_upsampled_to_mnist_size():
    split = load_digits(image_size=28, max_samples=100)
    assert split.input_shape == (28, 28, 1)
    assert 0.0 <= split.x_train.min() and split.x_train.max() <= 1.0


def test_sample_photos_full_size():
    photos = load_sample_photos()
    assert photos.shape == (len(SAMPLE_PHOTO_NAMES), 427, 640, 3) and photos.dtype == np.float32
    assert 0.0 <= photos.min() and photos.max() <= 1.0 and photos.std() > 0.1


def test_sample_photos_resized_with_and_without_crop():
    square = load_sample_photos(image_size=64)
    assert square.shape == (2, 64, 64, 3)
    stretched = load_sample_photos(image_size=(64, 64), crop_to_aspect_ratio=False)
    assert not np.allclose(square, stretched)
    wide = load_sample_photos(image_size=(427 // 2, 640 // 2))
    full = load_sample_photos()
    np.testing.assert_allclose(wide.mean(axis=(1, 2)), full.mean(axis=(1, 2)), atol=0.01)


def test_sample_photos_bad_size():
    with pytest.raises(ValueError, match="image_size"):
        load_sample_photos(image_size=(1, 2, 3))


def test_train_test_partitions_reproducibly_and_stratifies():
    from course.data import train_test

    x = np.arange(100, dtype="float32")[:, None]
    y = np.repeat([0, 1, 2, 3], 25)
    x_train, y_train, x_test, y_test = train_test(x, y, test_fraction=0.2, seed=3, stratify=True)
    np.testing.assert_array_equal(
        np.sort(np.concatenate([x_train, x_test])[:, 0]), x[:, 0]
    )  # a partition
    assert len(x_test) == 20 and np.bincount(y_test).tolist() == [5, 5, 5, 5]
    np.testing.assert_array_equal(
        x[x_test[:, 0].astype(int), 0], x_test[:, 0]
    )  # rows keep their labels
    np.testing.assert_array_equal(y[x_test[:, 0].astype(int)], y_test)
    again = train_test(x, y, test_fraction=0.2, seed=3, stratify=True)
    np.testing.assert_array_equal(again[2], x_test)
    multi_hot = np.eye(4)[y]
    assert train_test(x, multi_hot, seed=3)[3].shape == (25, 4)  # unstratified: any target shape
    with pytest.raises(ValueError, match="test_fraction"):
        train_test(x, y, test_fraction=1.0)
