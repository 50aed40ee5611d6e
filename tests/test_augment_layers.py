"""course.augment layers: identity at inference, shape/dtype/range, seeding, mixing labels,
.keras round trips, argument errors, and the fused warp against the stacked Keras layers."""

import importlib.util
import json

import keras
import numpy as np
import pytest

from course import augment
from course.augment import warp as warp_module

TECHNIQUES = [n for n in augment.available() if augment.registry.TECHNIQUES[n].source != "keras-cv"]
RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 1, (6, 16, 16, 3)).astype("float32")
LABELS = np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]]


def run(layer, name, x=IMAGES, training=True):
    if name in augment.MIXING:
        return [np.asarray(t) for t in layer((x, LABELS), training=training)]
    return np.asarray(layer(x, training=training))


@pytest.mark.parametrize("name", TECHNIQUES)
def test_identity_when_not_training(name):
    layer = augment.build(name, seed=1)
    out = run(layer, name, training=False)
    if name in augment.MIXING:
        np.testing.assert_array_equal(out[0], IMAGES)
        np.testing.assert_array_equal(out[1], LABELS)
    else:
        np.testing.assert_array_equal(out, IMAGES)


@pytest.mark.parametrize("name", TECHNIQUES)
def test_shape_dtype_range_and_change(name):
    out = run(augment.build(name, factor=1.0, seed=1), name)
    images = out[0] if name in augment.MIXING else out
    assert images.shape == IMAGES.shape and images.dtype == np.float32
    assert images.min() >= -1e-6 and images.max() <= 1 + 1e-6
    assert np.abs(images - IMAGES).max() > 1e-3, "strength 1 should change something"


@pytest.mark.parametrize("name", [n for n in TECHNIQUES if n != "augmix"])
def test_same_seed_same_output(name):
    """(keras.layers.AugMix in Keras 3.15 draws from unseeded sub-layers, so it is left out.)"""
    a = run(augment.build(name, factor=0.8, seed=7), name)
    b = run(augment.build(name, factor=0.8, seed=7), name)
    for u, v in zip(a if name in augment.MIXING else [a], b if name in augment.MIXING else [b]):
        np.testing.assert_allclose(u, v, atol=1e-6)


CUSTOM = [
    augment.FusedGeometric(rotation=0.2, zoom=0.2, translation=0.1, shear=0.1, seed=0),
    augment.RandomResizedCrop(0.5, seed=0),
    augment.RandomGamma(0.5, seed=0),
    augment.RandomGaussianNoise(0.3, seed=0),
    augment.SaltAndPepper(0.3, seed=0),
    augment.RandomMotionBlur(0.8, kernel_size=5, seed=0),
    augment.RandomSolarize(0.5, seed=0),
    augment.AutoAugment(seed=0),
    augment.TrivialAugment(seed=0),
    augment.RandomApply(keras.layers.RandomFlip("vertical"), rate=0.3, seed=0),
]


@pytest.mark.parametrize("layer", CUSTOM, ids=lambda lay: type(lay).__name__)
def test_uint8_in_uint8_out(layer):
    config = (
        {**layer.get_config(), "value_range": (0, 255)}
        if "value_range" in layer.get_config()
        else None
    )
    layer = type(layer).from_config(config) if config else layer
    x = (IMAGES * 255).astype("uint8")
    out = np.asarray(layer(x))
    assert out.dtype == np.uint8 and out.shape == x.shape
    single = np.asarray(layer(x[0]))
    assert single.shape == x[0].shape


@pytest.mark.parametrize("layer", CUSTOM, ids=lambda lay: type(lay).__name__)
def test_keras_round_trip(layer, tmp_path):
    model = keras.Sequential([keras.Input((16, 16, 3)), layer])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    restored = loaded.layers[-1]
    assert type(restored) is type(layer)
    assert json.loads(json.dumps(restored.get_config())) == json.loads(
        json.dumps(layer.get_config())
    )
    np.testing.assert_array_equal(loaded(IMAGES, training=False), IMAGES)


@pytest.mark.parametrize("cls", [augment.MixUp, augment.CutMix])
def test_mixing_round_trip(cls):
    layer = cls(0.4, seed=3)
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(clone) is cls and clone.get_config() == layer.get_config()
    a = layer((IMAGES, LABELS))
    b = clone((IMAGES, LABELS))
    np.testing.assert_allclose(a[1], b[1])


def _constant_batch(n=8, size=12):
    """Image i is constant i (and one-hot label i), so mixed pixels reveal the mixing weights."""
    images = np.broadcast_to(
        np.arange(n, dtype="float32")[:, None, None, None], (n, size, size, 1)
    ).copy()
    return images, np.eye(n, dtype="float32")


@pytest.mark.parametrize("seed", range(4))
def test_mixup_labels_match_pixels(seed):
    images, labels = _constant_batch()
    mixed, weights = (np.asarray(t) for t in augment.MixUp(0.4, seed=seed)((images, labels)))
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-6)
    np.testing.assert_allclose(mixed[:, 0, 0, 0], weights @ np.arange(8), atol=1e-4)


@pytest.mark.parametrize("seed", range(4))
def test_cutmix_label_weight_is_pasted_area_exactly(seed):
    images, labels = _constant_batch()
    mixed, weights = (np.asarray(t) for t in augment.CutMix(1.0, seed=seed)((images, labels)))
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-6)
    for i in range(8):
        fractions = np.bincount(mixed[i].astype(int).ravel(), minlength=8) / mixed[i].size
        np.testing.assert_allclose(weights[i], fractions, atol=1e-6)


def test_mixing_accepts_keras_dict():
    out = augment.CutMix(seed=0)({"images": IMAGES, "labels": LABELS})
    assert set(out) == {"images", "labels"}


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: augment.build("rotation", factor=1.5), "factor"),
        (lambda: augment.build("rotation", factor=-0.1), "factor"),
        (lambda: augment.build("warp_drive"), "name"),
        (lambda: augment.FusedGeometric(rotation=2.0), "rotation"),
        (lambda: augment.FusedGeometric(zoom=(0.5, 0.1)), "zoom"),
        (lambda: augment.FusedGeometric(flip="diagonal"), "flip"),
        (lambda: augment.FusedGeometric(resampler="cuda"), "resampler"),
        (lambda: augment.RandomMotionBlur(kernel_size=4), "kernel_size"),
        (lambda: augment.RandomGamma(value_range=(1, 0)), "value_range"),
        (lambda: augment.MixUp(factor=0.0), "factor"),
        (lambda: augment.RandomApply(keras.layers.RandomFlip(), rate=2), "rate"),
    ],
)
def test_invalid_arguments_name_the_argument(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


@pytest.mark.skipif(
    importlib.util.find_spec("keras_cv") is not None, reason="keras-cv is installed"
)
@pytest.mark.parametrize("name", ["grid_mask", "fourier_mix", "channel_shuffle"])
def test_keras_cv_techniques_name_the_extra(name):
    with pytest.raises(ImportError, match="keras-cv"):
        augment.build(name)


def _smooth_image(size=32):
    ys, xs = np.mgrid[0:size, 0:size] / size
    img = np.stack([np.sin(3 * xs + 2 * ys), np.cos(2 * xs - ys), xs * ys], -1)
    return ((img - img.min()) / np.ptp(img))[None].astype("float32")


def fixed(value):
    return (value, value)


def test_fused_matches_stacked_keras_layers():
    """rotation 20 deg, then zoom out 10 %, then shift (+2, -1) px: one warp vs three."""
    x = _smooth_image()
    fused = augment.FusedGeometric(
        flip=None, rotation=fixed(20 / 180), zoom=fixed(0.2), translation=(0.0, 0.0)
    )
    stacked = keras.Sequential(
        [
            keras.layers.RandomRotation(fixed(20 / 360), fill_mode="constant"),
            keras.layers.RandomZoom(fixed(0.1), fill_mode="constant"),
        ]
    )
    a, b = np.asarray(fused(x)), np.asarray(stacked(x, training=True))
    inner = (slice(None), slice(8, -8), slice(8, -8))
    assert np.abs(a - b)[inner].max() < 0.02  # differ only by the second resampling's blur
    assert np.abs(a - x)[inner].max() > 0.1


def test_fused_composition_order_and_translation():
    x = _smooth_image()
    rotate = augment.FusedGeometric(flip=None, rotation=fixed(0.1))
    shear = augment.FusedGeometric(flip=None, shear=fixed(0.2))
    shift = augment.FusedGeometric(flip=None, translation=fixed(4 / 32 / 0.5 * 0.5))
    both = augment.FusedGeometric(
        flip=None, rotation=fixed(0.1), shear=fixed(0.2), translation=fixed(4 / 32 / 0.5 * 0.5)
    )
    a = np.asarray(both(x))
    b = np.asarray(shift(shear(rotate(x))))
    inner = (slice(None), slice(10, -10), slice(10, -10))
    assert np.abs(a - b)[inner].max() < 0.03
    # The shift alone is exactly 2 px to the right and down (bilinear at integer offsets).
    moved = np.asarray(shift(x))
    np.testing.assert_allclose(moved[:, 2:, 2:], x[:, :-2, :-2], atol=1e-6)


def test_fused_flip_is_exact_and_keras_rotation_convention():
    x = _smooth_image()
    np.testing.assert_array_equal(augment.FusedGeometric(flip_probability=1.0)(x), x[:, :, ::-1])
    ours = augment.FusedGeometric(flip=None, rotation=fixed(30 / 180))(x)
    keras_rot = keras.layers.RandomRotation(fixed(30 / 360), fill_mode="constant")(x)
    np.testing.assert_allclose(ours, keras_rot, atol=1e-5)


@pytest.mark.parametrize("fill_mode", ["constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_xla_resampler_matches_tensorflow_kernel(fill_mode, interpolation):
    layer = augment.FusedGeometric(rotation=0.3, zoom=0.4, translation=0.2, shear=0.2, seed=0)
    matrices = layer.matrices(4, 20, 24)
    transforms = warp_module.centered(matrices, 20, 24)
    x = RNG.uniform(0, 1, (4, 20, 24, 3)).astype("float32")
    a = warp_module.warp(x, transforms, fill_mode, 0.25, interpolation, "xla")
    b = warp_module.warp(x, transforms, fill_mode, 0.25, interpolation, "tf")
    close = np.isclose(np.asarray(a), np.asarray(b), atol=1e-4)
    # Nearest interpolation may round a coordinate lying exactly on .5 the other way.
    assert close.mean() > (0.999 if interpolation == "bilinear" else 0.99)


def test_resized_crop_strength_zero_is_identity_and_crop_zooms_in():
    x = _smooth_image()
    np.testing.assert_allclose(augment.RandomResizedCrop(0.0)(x), x, atol=1e-6)
    crops = np.asarray(augment.RandomResizedCrop(1.0, seed=0)(np.repeat(x, 8, 0)))
    assert np.abs(crops - x).mean() > 0.02


def test_motion_blur_kernels_are_normalised_lines():
    from course.augment.pixel import line_kernels

    k = np.asarray(
        line_kernels(np.array([1.0, 5.0], "float32"), np.array([0.0, 0.0], "float32"), 7)
    )
    np.testing.assert_allclose(k.sum((1, 2)), 1.0, atol=1e-6)
    assert k[0, 3, 3] == pytest.approx(1.0)
    np.testing.assert_allclose(k[1, 3, 1:6], 0.2, atol=1e-6)  # horizontal streak of 5 px


def test_solarize_strength_one_inverts_everything_at_threshold_zero():
    out = augment.RandomSolarize((1.0, 1.0))(IMAGES)
    np.testing.assert_allclose(out, 1.0 - IMAGES, atol=1e-6)


@pytest.mark.parametrize("seed", [0, None])
def test_seeded_flip_below_strength_one_fires_with_probability_half_the_factor(seed):
    x = RNG.uniform(0, 1, (2000, 4, 4, 1)).astype("float32")
    out = np.asarray(augment.build("flip", factor=0.5, seed=seed)(x, training=True))
    mirrored = np.all(out == x[:, :, ::-1], axis=(1, 2, 3)).mean()
    assert abs(mirrored - 0.25) < 4 * np.sqrt(0.25 * 0.75 / len(x))  # not min(f, 1/2) = 0.5


def test_catalog_lists_every_family_and_documents_factor_one():
    rows = augment.catalog()
    assert {r[1] for r in rows} == set(augment.FAMILIES)
    assert all(r[3] for r in rows)
    for family in augment.FAMILIES:
        assert augment.available(family)


@pytest.mark.parametrize("cls", [augment.MixUp, augment.CutMix])
@pytest.mark.parametrize(
    "labels,match",
    [
        (
            np.array([0, 1, 2, 0, 1, 2]),
            r"got int64 labels of shape \(6,\); class indices cannot be mixed",
        ),
        (
            np.array([[0], [1], [2], [0], [1], [2]]),
            r"shape \(6, 1\); class indices cannot be mixed",
        ),
        (np.array([0.0, 1, 2, 0, 1, 2], "float32"), r"got float32 labels of shape \(6,\)"),
        (LABELS[:4], "labels must have one row per image: 6 images, got 4 label rows"),
    ],
)
def test_mixing_refuses_labels_it_cannot_blend(cls, labels, match):
    # CutMix used to broadcast class indices into (6, 6) "labels" with values like 1.875
    layer = cls(0.4, seed=0)
    with pytest.raises(ValueError, match=match):
        layer((IMAGES, labels))
    with pytest.raises(ValueError, match=match):
        layer({"images": IMAGES, "labels": labels}, training=False)


def test_mixing_accepts_integer_one_hot_and_binary_soft_labels():
    out = augment.MixUp(0.4, seed=0)((IMAGES, LABELS.astype("int32")))
    np.testing.assert_allclose(np.asarray(out[1]).sum(-1), 1.0, atol=1e-6)
    binary = RNG.uniform(0, 1, (6, 1)).astype("float32")
    assert np.asarray(augment.CutMix(seed=0)((IMAGES, binary))[1]).shape == (6, 1)


@pytest.mark.parametrize(
    "call,error,argument",
    [
        (lambda: augment.build("rotation", float("nan")), ValueError, "factor"),
        (
            lambda: augment.build("rotation", 0.1, value_range=(0, float("inf"))),
            ValueError,
            r"value_range\[1\]",
        ),
        (lambda: augment.build("rotation", 0.1, seed=-1), ValueError, "seed"),
        (lambda: augment.FusedGeometric(rotation=float("nan")), ValueError, "rotation"),
        (lambda: augment.FusedGeometric(fill_value=float("inf")), ValueError, "fill_value"),
        (lambda: augment.FusedGeometric(data_format="channels_first"), ValueError, "data_format"),
        (lambda: augment.RandomGamma(factor=(0.1, float("nan"))), ValueError, r"factor\[1\]"),
        (lambda: augment.TrivialAugment(resampler="cuda"), ValueError, "resampler"),
        (lambda: augment.RandomApply("flip"), TypeError, "layer must be a keras.layers.Layer"),
        (
            lambda: augment.PerClassAugment(
                keras.layers.Identity(), keras.layers.Identity(), [1, -2]
            ),
            ValueError,
            r"strong_classes\[i\]",
        ),
    ],
)
def test_bad_arguments_fail_before_keras_initialises_the_layer(monkeypatch, call, error, argument):
    """Validation runs before `Layer.__init__`: a refused layer never got a name or a tracker."""
    started = []
    original = keras.layers.Layer.__init__

    def spy(self, *args, **kwargs):
        started.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(keras.layers.Layer, "__init__", spy)
    with pytest.raises(error, match=argument):
        call()
    assert started in ([], ["Identity", "Identity"])  # only the two valid sub-layers were built


def test_fused_geometric_is_a_keras_image_augmentation_layer():
    from course.keras_compat import image_preprocessing_layer

    base = image_preprocessing_layer()
    assert issubclass(keras.layers.RandomRotation, base)  # the hook class Keras' layers share
    for hook in (
        "get_random_transformation",
        "transform_images",
        "transform_labels",
        "transform_segmentation_masks",
    ):
        assert callable(getattr(base, hook))
    layer = augment.FusedGeometric(rotation=0.3, zoom=0.3, seed=4)
    assert isinstance(layer, base) and "call" not in vars(augment.FusedGeometric)


def test_fused_geometric_warps_masks_like_images_and_keeps_labels():
    # a mask equal to a constant-per-region integer image must follow the image's warp exactly
    mask = np.repeat(np.repeat(np.arange(16).reshape(1, 4, 4, 1), 4, 1), 4, 2)
    mask = np.broadcast_to(mask, (6, 16, 16, 1)).astype("int32")
    layer = augment.FusedGeometric(
        flip="horizontal", rotation=0.25, interpolation="nearest", resampler="tf", seed=2
    )
    out = layer({"images": mask.astype("float32"), "labels": LABELS, "segmentation_masks": mask})
    np.testing.assert_array_equal(np.asarray(out["segmentation_masks"]), np.asarray(out["images"]))
    assert not np.array_equal(np.asarray(out["images"]), mask)
    np.testing.assert_array_equal(np.asarray(out["labels"]), LABELS)
    single = layer(IMAGES[0])
    assert tuple(single.shape) == IMAGES[0].shape
    np.testing.assert_array_equal(np.asarray(layer(IMAGES, training=False)), IMAGES)


def test_fused_geometric_keeps_uint8_inside_tf_data():
    """Keras' DataLayer would cast tf.data inputs to float32 (0.42x throughput at 224x224)."""
    import tensorflow as tf

    layer = augment.FusedGeometric(rotation=0.2, value_range=(0, 255), seed=0)
    images = (IMAGES * 255).astype("uint8")
    batch = next(iter(tf.data.Dataset.from_tensor_slices(images).batch(6).map(layer)))
    assert batch.dtype == tf.uint8 and tuple(batch.shape) == images.shape
    assert not np.array_equal(batch.numpy(), images)
