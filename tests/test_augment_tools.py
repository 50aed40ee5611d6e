"""course.augment tools: TTA averaging, per-class policies, the label-preservation check,
online-vs-offline measurement and the albumentations adapter."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from course import augment


class BrightnessModel:
    """Stub classifier: class 1 if the top half is brighter than the bottom half, else 0."""

    def predict(self, x, batch_size=None, verbose=0):
        x = np.asarray(x)
        h = x.shape[1] // 2
        top = x[:, :h].mean(axis=(1, 2, 3))
        bottom = x[:, h:].mean(axis=(1, 2, 3))
        p1 = 1 / (1 + np.exp(-20 * (top - bottom)))
        return np.stack([1 - p1, p1], axis=-1)


def _halves(n=20, size=8):
    rng = np.random.default_rng(0)
    y = np.arange(n) % 2
    x = rng.uniform(0, 0.2, (n, size, size, 1)).astype("float32")
    x[y == 1, : size // 2] += 0.7
    x[y == 0, size // 2 :] += 0.7
    return x, y


def test_tta_averages_identity_and_each_listed_transform():
    x, _ = _halves()
    model = BrightnessModel()
    upside_down = augment.FusedGeometric(flip="vertical", flip_probability=1.0)
    averaged = augment.tta_predict(model, x, transforms=[upside_down])
    expected = (model.predict(x) + model.predict(x[:, ::-1])) / 2
    np.testing.assert_allclose(averaged, expected, atol=1e-5)
    np.testing.assert_allclose(averaged.sum(-1), 1.0, atol=1e-5)


def test_tta_with_n_one_is_plain_prediction_and_gain_reports_both():
    x, y = _halves()
    model = BrightnessModel()
    np.testing.assert_allclose(augment.tta_predict(model, x, n=1), model.predict(x), atol=1e-6)
    plain, tta = augment.tta_gain(model, x, y, n=3)
    assert plain == 1.0 and 0.0 <= tta <= 1.0


def test_label_preservation_flags_a_label_changing_transform():
    x, y = _halves()
    flip = augment.FusedGeometric(flip="vertical", flip_probability=1.0)
    with pytest.warns(augment.LabelChangeWarning, match="0->1"):
        check = augment.label_preservation(BrightnessModel(), x, y, flip, copies=2, threshold=0.2)
    assert check.change_rate == {0: 1.0, 1: 1.0}
    assert check.turns_into == {0: 1, 1: 0}
    assert check.flagged == (0, 1)
    assert "above threshold" in check.table()


def test_label_preservation_is_quiet_for_a_safe_transform():
    x, y = _halves()
    mirror = augment.FusedGeometric(flip="horizontal", flip_probability=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check = augment.label_preservation(BrightnessModel(), x, y, mirror, threshold=0.1)
    assert check.change_rate == {0: 0.0, 1: 0.0} and check.flagged == ()


def test_per_class_augment_uses_the_strong_policy_only_for_rare_classes():
    x = np.random.default_rng(1).uniform(0, 1, (6, 8, 8, 1)).astype("float32")
    y = np.array([0, 1, 2, 0, 1, 2])
    invert = augment.RandomSolarize((1.0, 1.0))  # threshold 0: x -> 1 - x
    keep = augment.RandomSolarize(0.0)  # identity
    layer = augment.PerClassAugment(keep, invert, strong_classes=[2])
    out, labels = layer((x, y))
    out = np.asarray(out)
    np.testing.assert_allclose(out[y == 2], 1 - x[y == 2], atol=1e-6)
    np.testing.assert_allclose(out[y != 2], x[y != 2], atol=1e-6)
    one_hot, _ = layer((x, np.eye(3)[y]))
    np.testing.assert_allclose(one_hot, out, atol=1e-6)
    np.testing.assert_array_equal(layer((x, y), training=False)[0], x)
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert clone.strong_classes == (2,) and type(clone.strong) is augment.RandomSolarize


def test_under_represented_and_empty_strong_classes():
    labels = np.array([0] * 50 + [1] * 40 + [2] * 10 + [3] * 24)
    assert augment.under_represented(labels, ratio=0.5) == (2, 3)
    with pytest.raises(ValueError, match="strong_classes"):
        augment.PerClassAugment(augment.RandomGamma(), augment.RandomGamma(), [])


def test_online_offline_measures_disk_and_time(tmp_path):
    x = np.random.default_rng(0).uniform(0, 1, (64, 8, 8, 1)).astype("float32")
    y = np.arange(64) % 10
    result = augment.compare_online_offline(
        x, y, augment.build("rotation", seed=0), copies=2, epochs=1, directory=tmp_path
    )
    assert result.images == 64 and result.copies == 2
    assert result.disk_bytes >= 2 * x.nbytes  # raw pixels plus record overhead
    assert result.offline_epoch_seconds > 0 and result.online_epoch_seconds > 0
    assert "unlimited" in result.table()
    assert not list(tmp_path.iterdir())  # temporary files are removed


def test_offline_files_round_trip(tmp_path):
    from course.augment.offline import read_augmented, write_augmented

    x = np.random.default_rng(0).uniform(0, 1, (10, 4, 4, 1)).astype("float32")
    y = np.arange(10)
    identity = augment.RandomGamma(0.0)
    paths = write_augmented(x, y, identity, tmp_path, copies=1)
    images, labels = next(iter(read_augmented(paths[0], x.shape[1:], x.dtype, batch_size=10)))
    np.testing.assert_allclose(images, x, atol=1e-6)
    np.testing.assert_array_equal(labels, y)


def test_albumentations_adapter_runs_in_tf_data():
    albumentations = pytest.importorskip("albumentations")
    x = np.random.default_rng(0).integers(0, 256, (4, 10, 12, 3), dtype=np.uint8)
    compose = albumentations.Compose([albumentations.HorizontalFlip(p=1.0)])
    ds = augment.albumentations_dataset(
        tf.data.Dataset.from_tensor_slices((x, np.arange(4))), compose
    )
    assert ds.element_spec[0].shape == (10, 12, 3)
    out = np.stack([image.numpy() for image, _ in ds])
    np.testing.assert_array_equal(out, x[:, :, ::-1])
