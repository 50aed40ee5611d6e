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


def _trainer(**kwargs):
    from course.train import Trainer

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    return Trainer(model, "adam", loss, verbose=0, **kwargs)


def _trainer_with(optimizer):
    from course.train import Trainer

    return Trainer(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]), optimizer, "mse")


def _label_dataset(label):
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices(
        (np.zeros((4, 3), "float32"), np.full(4, label))
    ).batch(2)


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
    (lambda: data.make_pipeline([], []), ValueError, "x must hold at least one example"),
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
        lambda: gen.DiffusionModel(image_shape=(8, 8, 1), timesteps=10**9),
        ValueError,
        r"timesteps must be in \[2, 100000\], got 1000000000",
    ),
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
    (
        lambda: _trainer().fit((np.zeros((4, 3), "float32"), np.full(4, 0.5, "float32"))),
        ValueError,
        r"data: the targets must be class indices \(whole numbers\) .* got 0.5",
    ),
    (
        lambda: _trainer().fit((np.zeros((4, 3), "float32"), np.full(4, 7))),
        ValueError,
        r"data: the targets must be class indices in \[0, 2\) .* got labels from 7 to 7",
    ),
    (
        lambda: _trainer().fit(
            (np.zeros((4, 3), "float32"), np.zeros(4, "int64")),
            validation_data=(np.zeros((4, 3), "float32"), np.full(4, -1)),
        ),
        ValueError,
        r"validation_data: the targets must be class indices in \[0, 2\)",
    ),
    (
        lambda: _trainer().fit(_label_dataset(7)),
        ValueError,
        r"data: the targets must be class indices in \[0, 2\) .* got label 7",
    ),
    (
        lambda: layers.LayerNorm()(np.ones((2, 3), bool)),
        TypeError,
        r"inputs must be a real-valued \(float or integer\) tensor, got dtype bool",
    ),
    (
        lambda: layers.BatchNorm()(np.ones((2, 3), "complex64"), training=True),
        TypeError,
        "inputs must be a real-valued",
    ),
    (
        lambda: gen.DiffusionModel(image_shape=(8, 8, 1), timesteps=10, filters=7),
        ValueError,
        r"filters must be a multiple of groups=8 .* got filters=7",
    ),
    (
        lambda: gen.DiffusionModel(image_shape=(8, 8, 1), timesteps=10, filters=8)(
            [np.zeros((2, 8, 8, 1), "float32"), np.array([50, 2])]
        ),
        ValueError,
        r"t must hold timesteps in \[0, 10\) .* got values from 2 to 50",
    ),
    (
        lambda: gen.VAE((8, 8, 1), latent_dim=2).compute_losses(np.full((2, 8, 8, 1), 255.0)),
        ValueError,
        r"x must hold pixels in \[0, 1\] \(divide 8-bit images by 255\), got values from 255",
    ),
    (
        lambda: _trainer_with(keras.optimizers.SGD(float("nan"))),
        ValueError,
        r"^optimizer.learning_rate must be a number in \(0, inf\], got nan",
    ),
    (
        lambda: course.homework.check("data.hflp", 1),
        ValueError,
        r"qid must be one of .* got 'data.hflp' \(did you mean 'data.hflip'\?\)",
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


def test_integer_inputs_are_normalised_as_their_float_values():
    """uint8 images are honoured, not refused: the result is Keras' own layer on the float32
    values (Keras' LayerNormalization itself computes in uint8 and wraps around)."""
    x = np.arange(24, dtype="uint8").reshape(4, 6)
    for ours, theirs in (
        (layers.BatchNorm(), keras.layers.BatchNormalization()),
        (layers.LayerNorm(), keras.layers.LayerNormalization()),
    ):
        np.testing.assert_allclose(
            ours(x, training=True), theirs(x.astype("float32"), training=True), atol=1e-5
        )


def test_a_run_stopped_by_nan_leaves_the_weights_of_the_epoch_start():
    """Training on data that turns NaN mid-epoch stops, warns that it restored the weights, and
    leaves exactly the weights (and optimizer state) the model had when that epoch began."""
    trainer = _trainer(check_data=False)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 3)).astype("float32"), rng.integers(0, 2, 64)
    trainer.fit((x, y), epochs=1, batch_size=8)  # one clean epoch first
    before = [np.array(v.numpy()) for v in trainer.model.variables + trainer.optimizer.variables]
    x[40:] = np.nan
    with pytest.warns(RuntimeWarning, match="restored to their values at the start of epoch 1"):
        trainer.fit((x, y), epochs=1, batch_size=8)
    assert trainer.position == 6  # it did stop at the first NaN batch, after five good steps
    after = [np.array(v.numpy()) for v in trainer.model.variables + trainer.optimizer.variables]
    for old, new in zip(before, after):
        np.testing.assert_array_equal(old, new)


def test_load_model_names_a_folder(tmp_path):
    """Keras would read a folder as an Orbax checkpoint and fail with an ImportError."""
    with pytest.raises(ValueError, match="is a folder; load_model reads a .keras file"):
        course.load_model(tmp_path)
