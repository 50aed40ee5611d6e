"""Structural bad input (wrong type, None, wrong rank, empty data, misspelt names, missing
folders) at public entry points: each gets our ValueError/TypeError naming the argument the caller
passed, in plain text, never a foreign exception from TensorFlow, Keras or Python internals."""

import re

import keras
import numpy as np
import pytest

import course
from course import augment, data, layers, transfer
from course import generative as gen
from course.augment.audio.layers import SpecAugment
from course.augment.audio.spectrogram import LogSpectrogram
from course.augment.tabular.oversample import smote
from course.augment.text.word_edits import random_insertion
from course.validation import check_choice

ESCAPE = re.compile(r"\x1b\[")


def tiny_classifier():
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )


def _trainer():
    from course.train import Trainer

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    return Trainer(model, "adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))


CASES = [
    (lambda: transfer.unfreeze(None), TypeError, "model must be a keras.Model"),
    (lambda: transfer.find_backbone(5), TypeError, "model must be a keras.Model"),
    (
        lambda: transfer.build_transfer_model("MobileNetV2", 2, weights="imagenett"),
        ValueError,
        r"weights must be None, 'imagenet' or .*did you mean 'imagenet'",
    ),
    (
        lambda: transfer.build_transfer_model("MobileNetV2", 2, input_shape=96),
        TypeError,
        r"input_shape must be",
    ),
    (
        lambda: transfer.load_backbone("MobileNetV2", (96, 96, 3), weights=5),
        TypeError,
        "weights must be",
    ),
    (
        lambda: augment.build("flip", mode="diagonal"),
        ValueError,
        r"mode must be one of 'horizontal'",
    ),
    (
        lambda: augment.tta_predict(
            tiny_classifier(), np.zeros((2, 8, 8, 1), "float32"), transforms="flip"
        ),
        TypeError,
        "transforms must be",
    ),
    (
        lambda: augment.tta_predict(tiny_classifier(), np.zeros((0, 8, 8, 1), "float32")),
        ValueError,
        "x must be a non-empty batch",
    ),
    (
        lambda: augment.FusedGeometric(rotation=0.1)(np.zeros((8, 8), "float32"), training=True),
        ValueError,
        r"images must have shape \(batch, height, width, channels\)",
    ),
    (lambda: augment.under_represented([]), ValueError, "labels must hold at least one label"),
    (lambda: data.make_pipeline([], []), ValueError, "x and y must hold at least one example"),
    (
        lambda: data.make_pipeline(np.zeros((4, 2)), np.zeros(4), cache="/no/such/folder/cache"),
        ValueError,
        "cache '/no/such/folder/cache': its folder",
    ),
    (
        lambda: data.make_pipeline(np.zeros((4, 2)), np.zeros(4), cache=3.5),
        TypeError,
        "cache must be",
    ),
    (
        lambda: gen.DCGAN(latent_dim=8, image_shape=(8, 8, 1)).generate(3, batch_size=0),
        ValueError,
        r"batch_size must be in \[1, inf\], got 0",
    ),
    (
        lambda: gen.Autoencoder((8, 8, 1), 4, hidden_units=64),
        TypeError,
        "hidden_units must be a tuple",
    ),
    (
        lambda: layers.BatchNorm()(np.ones(4, "float32"), training=True),
        ValueError,
        "inputs must have rank >= 2",
    ),
    (
        lambda: layers.LayerNorm(axis=[1, 1])(np.ones((2, 4, 4), "float32")),
        ValueError,
        r"axis=\[1, 1\] names the same axis twice",
    ),
    (
        lambda: data.load_keras_dataset("mnist", val_fraction=2.0, cache_dir="/nonexistent"),
        ValueError,
        r"val_fraction must be in \(0, 1\)",
    ),
    (
        lambda: SpecAugment()(np.ones((2, 40), "float32"), training=True),
        ValueError,
        r"inputs must be spectrograms \(batch, frames, bins\)",
    ),
    (
        lambda: LogSpectrogram(512)(np.ones((1, 100), "float32")),
        ValueError,
        "inputs have 100 samples, fewer than frame_length=512",
    ),
    (
        lambda: smote(
            np.random.default_rng(0).normal(size=(30, 2)),
            np.array([0] * 25 + [1] * 5),
            k_neighbors=10,
        ),
        ValueError,
        "k_neighbors=10 .* class 1 has 5, so k_neighbors must be at most 4",
    ),
    (lambda: random_insertion("good movie", n=10**7), ValueError, r"n must be in \[0, 100000\]"),
    (
        lambda: _trainer().fit((np.zeros((10, 3), "float32"), np.zeros(9, "int64"))),
        ValueError,
        "data: the arrays of the tuple must have the same length .* got x 10, y 9",
    ),
    (
        lambda: _trainer().evaluate((np.zeros((4, 3), "float32"), np.zeros(5, "int64"))),
        ValueError,
        "data: the arrays of the tuple must have the same length",
    ),
]


@pytest.mark.parametrize("call,error,match", CASES, ids=[c[2][:40] for c in CASES])
def test_bad_structure_gets_our_error_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match) as caught:
        call()
    assert type(caught.value) is error  # ours, not a subclass from TensorFlow or Keras
    assert not ESCAPE.search(str(caught.value)), "a terminal colour code in the message"


def test_a_misspelt_name_gets_the_closest_valid_one():
    with pytest.raises(ValueError, match=r"got 'horizntal' \(did you mean 'horizontal'\?\)"):
        check_choice("mode", "horizntal", ("horizontal", "vertical"))
    with pytest.raises(ValueError) as caught:
        check_choice("mode", "zzz", ("horizontal", "vertical"))
    assert "did you mean" not in str(caught.value)


def test_a_refused_fused_geometric_call_leaves_its_seed_state_unchanged():
    layer = augment.FusedGeometric(rotation=0.1, seed=3)
    before = np.asarray(layer.generator.state)
    with pytest.raises(ValueError):
        layer(np.zeros((8, 8), "float32"), training=True)
    np.testing.assert_array_equal(np.asarray(layer.generator.state), before)


@pytest.mark.parametrize("content", [b"", b"not a zip archive\n"], ids=["empty", "text"])
def test_load_model_names_a_file_that_is_not_a_keras_archive(tmp_path, content):
    path = tmp_path / "model.keras"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="is not a .keras file"):
        course.load_model(path)
    with pytest.raises(ValueError, match="no such file"):
        course.load_model(tmp_path / "missing.keras")
    with pytest.raises(TypeError, match="path must be a file path"):
        course.load_model(None)
