"""`ImageFolderDataset` (a keras.utils.PyDataset) on a folder of PNGs written by the test."""

import keras
import numpy as np
import pytest

from course.data import ImageFolderDataset, load_digits, write_image_folder


@pytest.fixture(scope="module")
def digits_folder(tmp_path_factory):
    split = load_digits(max_samples=100)
    x, y = split.x_train[:50], split.y_train[:50]
    root = write_image_folder(
        tmp_path_factory.mktemp("digits"), x, y, class_names=split.class_names
    )
    return root, x, y


def test_folder_round_trip_is_exact_up_to_8_bits(digits_folder):
    root, x, y = digits_folder
    ds = ImageFolderDataset(root, batch_size=16, color_mode="grayscale", shuffle=False)
    assert len(ds) == 4  # ceil(50 / 16)
    assert ds.class_names == tuple(str(d) for d in range(10) if d in set(y.tolist()))
    images = np.concatenate([ds[i][0] for i in range(len(ds))])
    labels = np.concatenate([ds[i][1] for i in range(len(ds))])
    assert images.shape == (50, 8, 8, 1) and images.dtype == np.float32
    assert ds[3][0].shape[0] == 50 - 3 * 16
    # files are ordered class by class; match each read image to its source by label and pixels
    names = np.array(ds.class_names)
    for image, label in zip(images, labels):
        candidates = x[y == int(names[label])]
        assert np.min(np.abs(candidates - image).max(axis=(1, 2, 3))) <= 0.5 / 255 + 1e-6


def test_rgb_resize_and_epoch_shuffle(digits_folder):
    root, _, y = digits_folder
    ds = ImageFolderDataset(root, batch_size=50, image_size=(16, 12), shuffle=True, seed=0)
    first_x, first_y = ds[0]
    assert first_x.shape == (50, 16, 12, 3)
    np.testing.assert_allclose(first_x[..., 0], first_x[..., 2])  # grey PNG read as RGB
    ds.on_epoch_end()
    _, second_y = ds[0]
    assert not np.array_equal(first_y, second_y)
    np.testing.assert_array_equal(np.sort(first_y), np.sort(second_y))
    with pytest.raises(IndexError):
        ds[1]


def test_matches_keras_image_dataset_from_directory(digits_folder):
    root, _, _ = digits_folder
    ours = ImageFolderDataset(root, batch_size=64, color_mode="grayscale", shuffle=False)
    theirs = keras.utils.image_dataset_from_directory(
        root, batch_size=64, image_size=(8, 8), color_mode="grayscale", shuffle=False
    )
    assert tuple(theirs.class_names) == ours.class_names
    x_theirs, y_theirs = next(iter(theirs))
    x_ours, y_ours = ours[0]
    np.testing.assert_array_equal(y_theirs.numpy(), y_ours)
    np.testing.assert_allclose(x_theirs.numpy() / 255.0, x_ours, atol=1e-6)


def test_fit_with_worker_threads(digits_folder):
    root, _, _ = digits_folder
    ds = ImageFolderDataset(root, batch_size=16, color_mode="grayscale", workers=2)
    model = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(10)]
    )
    model.compile(
        optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()


def test_bad_roots(tmp_path):
    with pytest.raises(ValueError, match="root"):
        ImageFolderDataset(tmp_path / "missing")
    with pytest.raises(ValueError, match="no class subfolders"):
        ImageFolderDataset(tmp_path)
    with pytest.raises(ValueError, match="color_mode"):
        ImageFolderDataset(tmp_path, color_mode="cmyk")
