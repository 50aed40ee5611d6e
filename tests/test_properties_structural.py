"""Property-based sweep of the public *structural* arguments across the library (hypothesis),
beside the numeric sweep in test_properties.py.

`ROWS` is a table: (entry point, argument, valid keyword arguments, which kinds of bad value
must fail). The kinds: None where it is not allowed, a value of the wrong type, an array of the
wrong rank, an empty value, a value of the wrong length (against another argument), a name that
is not on the accepted list, and a path that does not exist. For each row and kind, hypothesis
draws a bad value, calls the entry point with otherwise valid arguments, and asserts:
- the error is exactly ValueError or TypeError (or one of the library's own subclasses), never
  a TensorFlow, Keras, NumPy, scikit-learn or Python-internal exception;
- its message names the argument and carries no terminal colour code;
- rows with an object leave its state (weights, seed-generator state) unchanged.
A second test proves each row's valid call works, so the refusal comes from the bad value.
Examples are few and derandomized, so the file is deterministic and quick.
"""

import inspect
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import course
from course import (
    analysis,
    augment,
    data,
    ensemble,
    generative,
    layers,
    models,
    train,
    transfer,
    viz,
)
from course.augment import audio, tabular, text

ESCAPE = re.compile(r"\x1b\[")
WRONG_TYPES = (object(), 1j, {"key": 1}, b"bytes")
UNKNOWN_NAMES = st.text(string.ascii_lowercase, min_size=2, max_size=8).map(lambda s: f"zz{s}")
MISSING = "/no/such/folder/course-test"


@dataclass
class Row:
    """One public argument: call `target(**valid, argument=bad)` and expect a named refusal.

    `bad` maps a kind to the bad values to draw from ("none" and "type" need none; "name" draws
    unknown names). `setup` builds an object once per example; `target` then receives it first
    and `state` snapshots what the refused call must leave unchanged.
    """

    target: Callable
    argument: str
    kinds: tuple
    valid: Callable = dict
    bad: dict = field(default_factory=dict)
    setup: Callable = None
    state: Callable = None
    name: str = ""
    default_is_valid: bool = True  # False where the default needs a partner (y needs array x)

    def __post_init__(self):
        self.name = self.name or getattr(self.target, "__qualname__", "call")

    def strategy(self, kind):
        if kind == "none":
            return st.just(None)
        if kind == "type":
            return st.sampled_from(self.bad.get("type", WRONG_TYPES))
        if kind == "name":
            return UNKNOWN_NAMES
        if kind == "path":
            return st.just(MISSING)
        return st.sampled_from(self.bad[kind])

    def invoke(self, obj, value):
        kwargs = {**self.valid(), self.argument: value}
        return self.target(obj, **kwargs) if self.setup else self.target(**kwargs)

    def valid_call(self):
        obj = self.setup() if self.setup else None
        return self.target(obj, **self.valid()) if self.setup else self.target(**self.valid())


def zeros(*shape):
    return np.zeros(shape, "float32")


def images(n=4, size=8, channels=1):
    return np.random.default_rng(0).uniform(0, 1, (n, size, size, channels)).astype("float32")


def classifier(shape=(8, 8, 1), classes=3):
    return keras.Sequential(
        [keras.Input(shape), keras.layers.Flatten(), keras.layers.Dense(classes, "softmax")]
    )


def weights(model):
    return tuple(np.asarray(w).tobytes() for w in model.get_weights())


def call_layer(argument):
    """A target calling a layer with its first argument (named `argument` in `call`)."""

    def call(layer, **kwargs):
        return layer(kwargs.pop(argument), **kwargs)

    return call


def call_method(name):
    def call(obj, **kwargs):
        return getattr(obj, name)(**kwargs)

    call.__qualname__ = name
    return call


LABELS = np.array([0, 1, 2, 0])
PROBS = np.random.default_rng(0).dirichlet(np.ones(3), size=(3, 4))
WAVE = np.sin(np.linspace(0, 200, 2048)).astype("float32")
TABLE_X, TABLE_Y = np.random.default_rng(0).normal(size=(30, 2)), np.array([0] * 20 + [1] * 10)
ARRAY = ("none", "type", "rank", "empty")


def tiny_split():
    return data.load_digits(max_samples=200)


ROWS = [
    # --- course (top level) -----------------------------------------------------------------
    Row(course.load_model, "path", ("none", "type", "path")),
    # --- course.data ------------------------------------------------------------------------
    Row(
        data.make_pipeline,
        "x",
        ("none", "type", "empty"),
        lambda: {"y": zeros(4)},
        bad={"empty": ([], zeros(0, 2))},
    ),
    Row(
        data.make_pipeline,
        "y",
        ("type", "length"),
        lambda: {"x": zeros(4, 2)},
        bad={"length": (zeros(3), zeros(5))},
        default_is_valid=False,
    ),
    Row(
        data.train_test,
        "x",
        ("none", "type", "empty"),
        lambda: {"y": zeros(4)},
        bad={"empty": (zeros(0, 2),)},
    ),
    Row(
        data.train_test,
        "y",
        ("none", "length"),
        lambda: {"x": zeros(8, 2)},
        bad={"length": (zeros(3),)},
    ),
    Row(
        data.make_shapes,
        "classes",
        ("type", "empty", "name"),
        lambda: {"n": 6},
        bad={"empty": ((), [])},
    ),
    Row(data.make_shapes, "background", ("none", "type", "name"), lambda: {"n": 6}),
    Row(data.load_keras_dataset, "name", ("none", "type", "name"), lambda: {"cache_dir": MISSING}),
    Row(
        data.write_image_folder,
        "x",
        ("none", "type", "rank"),
        lambda: {"root": "images", "y": LABELS},
        bad={"rank": (zeros(4, 8), zeros(4))},
    ),
    Row(
        data.write_image_folder,
        "y",
        ("none", "length"),
        lambda: {"root": "images", "x": images()},
        bad={"length": (np.arange(3),)},
    ),
    Row(data.ImageFolderDataset, "root", ("none", "type", "path")),
    # --- course.augment ---------------------------------------------------------------------
    Row(augment.build, "name", ("none", "type", "name")),
    Row(augment.available, "family", ("type", "name")),
    Row(augment.FusedGeometric, "flip", ("type", "name")),
    Row(augment.FusedGeometric, "fill_mode", ("none", "type", "name")),
    Row(augment.FusedGeometric, "interpolation", ("none", "type", "name")),
    Row(augment.FusedGeometric, "resampler", ("none", "type", "name")),
    Row(augment.RandomResizedCrop, "interpolation", ("none", "type", "name")),
    Row(augment.RandomApply, "layer", ("none", "type")),
    Row(
        augment.PerClassAugment,
        "strong_classes",
        ("none", "type", "empty"),
        lambda: {"weak": keras.layers.RandomFlip(), "strong": keras.layers.RandomFlip()},
        bad={"empty": ((), [])},
    ),
    Row(
        augment.PerClassAugment,
        "weak",
        ("none", "type"),
        lambda: {"strong": keras.layers.RandomFlip(), "strong_classes": (1,)},
    ),
    Row(augment.tta_predict, "model", ("none", "type"), lambda: {"x": images()}),
    Row(
        augment.tta_predict,
        "x",
        ARRAY,
        lambda: {"model": classifier()},
        bad={"rank": (zeros(4, 8), zeros(2, 8, 8, 1, 1)), "empty": (zeros(0, 8, 8, 1),)},
    ),
    Row(
        augment.tta_gain,
        "y",
        ("none", "length"),
        lambda: {"model": classifier(), "x": images()},
        bad={"length": (np.arange(3),)},
    ),
    Row(
        augment.under_represented,
        "labels",
        ("none", "type", "rank", "empty"),
        bad={"rank": (np.zeros((2, 2, 2), int),), "empty": ([], np.array([], int))},
    ),
    Row(
        augment.label_preservation,
        "transform",
        ("none", "type"),
        lambda: {"model": classifier(), "x": images(), "y": LABELS, "warn": False},
    ),
    Row(
        augment.label_preservation,
        "x",
        ("none", "rank"),
        lambda: {
            "model": classifier(),
            "y": LABELS,
            "transform": augment.RandomGamma(seed=0),
            "warn": False,
        },
        bad={"rank": (zeros(4, 8),)},
    ),
    Row(
        call_layer("images"),
        "images",
        ("rank",),
        lambda: {"training": True},
        setup=lambda: augment.RandomGamma(seed=0),
        state=lambda layer: np.asarray(layer.generator.state).tobytes(),
        bad={"rank": (zeros(8), zeros(2, 8, 8, 1, 1))},
        name="RandomGamma.__call__",
    ),
    # --- course.transfer --------------------------------------------------------------------
    Row(
        transfer.build_transfer_model,
        "backbone",
        ("none", "type", "name"),
        lambda: {"num_classes": 2},
    ),
    Row(
        transfer.build_transfer_model,
        "mode",
        ("none", "type", "name"),
        lambda: {"backbone": "MobileNetV2", "num_classes": 2},
    ),
    Row(
        transfer.build_transfer_model,
        "input_shape",
        ("none", "type", "rank"),
        lambda: {"backbone": "MobileNetV2", "num_classes": 2},
        bad={"rank": ((96, 96), (96,))},
    ),
    Row(
        transfer.load_backbone,
        "name",
        ("none", "type", "name"),
        lambda: {"input_shape": (32, 32, 3)},
    ),
    Row(transfer.extract_features, "backbone", ("none", "type"), lambda: {"x": images()}),
    Row(
        transfer.extract_features,
        "x",
        ARRAY,
        lambda: {"backbone": classifier()},
        bad={"rank": (zeros(4, 8),), "empty": (zeros(0, 8, 8, 1),)},
    ),
    Row(
        transfer.fit_feature_classifier,
        "kind",
        ("none", "type", "name"),
        lambda: {"features": TABLE_X, "y": TABLE_Y},
    ),
    Row(
        transfer.fit_feature_classifier,
        "features",
        ARRAY,
        lambda: {"y": TABLE_Y},
        bad={"rank": (np.zeros(30), np.zeros((30, 2, 2))), "empty": (np.zeros((0, 2)),)},
    ),
    Row(
        transfer.fit_feature_classifier,
        "y",
        ("none", "length"),
        lambda: {"features": TABLE_X},
        bad={"length": (TABLE_Y[:5],)},
    ),
    Row(transfer.freeze_batchnorm, "model", ("none", "type")),
    Row(transfer.unfreeze, "model", ("none", "type")),
    Row(
        transfer.recommend_strategy,
        "similarity",
        ("none", "type", "name"),
        lambda: {"n_samples": 100},
    ),
    Row(transfer.pretrained_digits_backbone, "path", ("type", "path")),
    # --- course.layers and course.models ----------------------------------------------------
    Row(layers.BatchNorm, "axis", ("none", "type")),
    Row(layers.LayerNorm, "axis", ("none", "type"), bad={"type": ("a", object(), 1j)}),
    Row(layers.GroupNorm, "axis", ("none", "type")),
    Row(layers.Dropout, "noise_shape", ("type",), lambda: {"rate": 0.5}),
    Row(
        call_layer("inputs"),
        "inputs",
        ("rank",),
        lambda: {"training": True},
        setup=lambda: layers.GroupNorm(groups=2),
        state=lambda layer: (layer.built, len(layer.weights)),
        bad={"rank": (zeros(4),)},
        name="GroupNorm.__call__",
    ),
    Row(
        models.small_cnn,
        "input_shape",
        ("none", "type", "rank"),
        lambda: {"num_classes": 3},
        bad={"rank": ((8, 8), (8,))},
    ),
    Row(
        models.small_cnn,
        "filters",
        ("none", "type", "empty"),
        lambda: {"input_shape": (8, 8, 1), "num_classes": 3},
        bad={"empty": ((),)},
    ),
    Row(
        models.small_cnn,
        "pooling",
        ("type", "name"),
        lambda: {"input_shape": (8, 8, 1), "num_classes": 3},
    ),
    Row(
        models.small_cnn,
        "activation",
        ("type", "name"),  # None is the identity, as in Keras
        lambda: {"input_shape": (8, 8, 1), "num_classes": 3},
    ),
    Row(
        models.residual_mlp,
        "activation",
        ("none", "type", "name"),
        lambda: {"input_shape": (4,), "num_classes": 3, "depth": 2},
    ),
    Row(models.norm_layer, "kind", ("none", "type", "name")),
    Row(models.compile_classifier, "model", ("none", "type")),
    Row(models.compile_classifier, "metrics", ("type",), lambda: {"model": classifier()}),
    # --- course.train -----------------------------------------------------------------------
    Row(train.Trainer, "model", ("none", "type"), lambda: {"optimizer": "adam", "loss": "mse"}),
    Row(
        train.Trainer, "optimizer", ("type", "name"), lambda: {"model": classifier(), "loss": "mse"}
    ),
    Row(
        train.Trainer,
        "loss",
        ("type", "name"),
        lambda: {"model": classifier(), "optimizer": "adam"},
        default_is_valid=False,
    ),
    Row(
        train.Trainer,
        "metrics",
        ("type", "name"),
        lambda: {"model": classifier(), "optimizer": "adam", "loss": "mse"},
        bad={"type": (object(), 1j)},
    ),
    Row(
        train.Trainer,
        "callbacks",
        ("none", "type"),
        lambda: {"model": classifier(), "optimizer": "adam", "loss": "mse"},
    ),
    Row(
        call_method("fit"),
        "data",
        ("none", "type", "empty"),
        setup=lambda: train.Trainer(
            classifier(), "adam", "sparse_categorical_crossentropy", verbose=0
        ),
        state=lambda trainer: weights(trainer.model),
        bad={"empty": ((), ([], []))},
        name="Trainer.fit",
    ),
    Row(
        call_method("evaluate"),
        "data",
        ("none", "type"),
        setup=lambda: train.Trainer(
            classifier(), "adam", "sparse_categorical_crossentropy", verbose=0
        ),
        state=lambda trainer: weights(trainer.model),
        name="Trainer.evaluate",
    ),
    Row(
        train.train_full_batch,
        "x",
        ("none", "type", "empty"),
        lambda: {
            "model": classifier((4,)),
            "y": LABELS,
            "loss": keras.losses.sparse_categorical_crossentropy,
            "steps": 1,
        },
        bad={"empty": (zeros(0, 4),)},
    ),
    Row(
        train.train_full_batch,
        "y",
        ("none", "length"),
        lambda: {
            "model": classifier((4,)),
            "x": zeros(4, 4),
            "loss": keras.losses.sparse_categorical_crossentropy,
            "steps": 1,
        },
        bad={"length": (np.arange(3),)},
    ),
    Row(train.Checkpointer, "directory", ("none", "type")),
    Row(train.EarlyStopping, "monitor", ("none", "type")),
    Row(train.EarlyStopping, "mode", ("none", "type", "name")),
    Row(train.TensorBoard, "log_dir", ("none", "type")),
    Row(train.TensorBoard, "update_freq", ("none", "type", "name"), lambda: {"log_dir": "logs"}),
    # --- course.generative ------------------------------------------------------------------
    Row(
        generative.Autoencoder,
        "kind",
        ("none", "type", "name"),
        lambda: {"input_shape": (8, 8, 1), "latent_dim": 2},
    ),
    Row(
        generative.Autoencoder,
        "input_shape",
        ("none", "type", "rank"),
        lambda: {"latent_dim": 2},
        bad={"rank": ((), (8, 8, 1, 1, 1))},
    ),
    Row(
        generative.Autoencoder,
        "activation",
        ("type", "name"),  # None is the identity, as in Keras
        lambda: {"input_shape": (8, 8, 1), "latent_dim": 2},
    ),
    Row(generative.VAE, "kind", ("none", "type", "name"), lambda: {"input_shape": (8, 8, 1)}),
    Row(
        generative.VAE,
        "hidden_units",
        ("none", "type"),  # () is a VAE without hidden layers
        lambda: {"input_shape": (8, 8, 1)},
    ),
    Row(generative.DCGAN, "image_shape", ("none", "type", "rank"), bad={"rank": ((8, 8),)}),
    Row(
        generative.GAN,
        "generator",
        ("none", "type"),
        lambda: {"discriminator": classifier(classes=1), "latent_dim": 2},
    ),
    Row(
        generative.DiffusionModel,
        "schedule",
        ("none", "type", "name"),
        lambda: {"timesteps": 10, "filters": 8},
    ),
    Row(
        generative.DiffusionModel,
        "image_shape",
        ("none", "type", "rank"),
        lambda: {"timesteps": 10, "filters": 8},
        bad={"rank": ((8,),)},
    ),
    Row(
        call_method("generate"),
        "labels",
        ("type", "length", "rank"),
        lambda: {"n": 3},
        setup=lambda: generative.ConditionalGAN(latent_dim=4, num_classes=3),
        state=lambda model: (
            model.seed_generator.state.numpy().tobytes()
            if hasattr(model, "seed_generator")
            else None
        ),
        bad={"length": (np.array([0, 1]),), "rank": (np.zeros((3, 2), int),)},
        name="ConditionalGAN.generate",
    ),
    Row(
        call_method("compute_losses"),
        "x",
        ("none", "type", "rank"),
        setup=lambda: generative.VAE((8, 8, 1), latent_dim=2),
        state=weights,
        bad={"rank": (zeros(4, 8),)},
        name="VAE.compute_losses",
    ),
    # --- course.ensemble --------------------------------------------------------------------
    Row(
        ensemble.hard_vote, "probs", ARRAY, bad={"rank": (zeros(4, 3),), "empty": (zeros(0, 4, 3),)}
    ),
    Row(
        ensemble.soft_vote, "probs", ARRAY, bad={"rank": (zeros(4, 3),), "empty": (zeros(0, 4, 3),)}
    ),
    Row(
        ensemble.soft_vote,
        "weights",
        ("type", "length"),
        lambda: {"probs": PROBS},
        bad={"length": (np.ones(2),)},
    ),
    Row(
        ensemble.average_predictions,
        "predictions",
        ("none", "type", "empty"),
        bad={"empty": ([], zeros(0, 4, 3))},
    ),
    Row(ensemble.BaggingEnsemble, "build_model", ("none", "type")),
    Row(ensemble.AdaBoostSAMME, "build_model", ("none", "type")),
    # --- course.regularization, model_selection, semisupervised -----------------------------
    Row(course.regularization.small_training_set, "split", ("none", "type")),
    Row(course.regularization.compare_remedies, "split", ("none", "type")),
    Row(
        course.regularization.results_table,
        "results",
        ("none", "type", "empty"),
        bad={"empty": ([],)},
    ),
    Row(
        course.model_selection.kfold_evaluate,
        "build_model",
        ("none", "type"),
        lambda: {"x": zeros(10, 4), "y": np.arange(10) % 2},
    ),
    Row(
        course.model_selection.kfold_evaluate,
        "y",
        ("none", "length"),
        lambda: {"build_model": lambda: classifier((4,)), "x": zeros(10, 4)},
        bad={"length": (np.arange(4),)},
    ),
    Row(
        course.semisupervised.labelled_subset,
        "y",
        ("none", "type", "rank", "empty"),
        lambda: {"n_labelled": 2},
        bad={"rank": (np.zeros((4, 2), int),), "empty": (np.array([], int),)},
    ),
    Row(course.semisupervised.pseudo_labelling, "split", ("none", "type")),
    # --- course.analysis --------------------------------------------------------------------
    Row(
        analysis.confusion_matrix,
        "y_pred",
        ("none", "type", "length"),
        lambda: {"y_true": LABELS, "num_classes": 3},
        bad={"length": (LABELS[:2],)},
    ),
    Row(
        analysis.per_class_accuracy,
        "y_true",
        ("none", "type", "empty"),
        lambda: {"y_pred": LABELS, "num_classes": 3},
        bad={"empty": (np.array([], int),)},
    ),
    Row(
        analysis.most_confused,
        "cm",
        ARRAY,
        bad={"rank": (np.zeros(3), np.zeros((3, 2))), "empty": (np.zeros((0, 0)),)},
    ),
    Row(analysis.predict_labels, "model", ("none", "type"), lambda: {"x": images()}),
    Row(
        analysis.predict_labels,
        "x",
        ("none", "rank", "empty"),
        lambda: {"model": classifier()},
        bad={"rank": (zeros(4, 8),), "empty": (zeros(0, 8, 8, 1),)},
    ),
    Row(
        analysis.sweep,
        "perturbation",
        ("none", "type", "name"),
        lambda: {"model": classifier(), "x": images(), "y": LABELS},
    ),
    Row(
        analysis.sweep,
        "y",
        ("none", "length"),
        lambda: {"model": classifier(), "x": images(), "perturbation": "noise"},
        bad={"length": (LABELS[:2],)},
    ),
    Row(
        analysis.compare_robustness,
        "arms",
        ("none", "type", "length"),
        lambda: {"x": images(), "y": LABELS, "conditions": [("noise", 0.1)]},
        bad={"length": ({"a": [classifier()] * 2, "b": [classifier()] * 3},)},
    ),
    Row(
        analysis.compare_robustness,
        "conditions",
        ("none", "type", "unknown", "length"),
        lambda: {
            "arms": {"a": [classifier()] * 2, "b": [classifier()] * 2},
            "x": images(),
            "y": LABELS,
        },
        bad={
            "unknown": ([("jpeg", 0.5)], [("noise", -0.1)]),
            "length": ([("noise", 0.1, 0)], [("noise", 0.1), ("noise", 0.1)], []),
        },
    ),
    Row(
        analysis.add_noise,
        "x",
        ARRAY,
        lambda: {"std": 0.1},
        bad={"rank": (np.float32(1.0),), "empty": (zeros(0, 8, 8, 1),)},
    ),
    Row(
        analysis.blur,
        "x",
        ARRAY,
        lambda: {"sigma": 1.0},
        bad={"rank": (zeros(8),), "empty": (zeros(0, 8, 8, 1),)},
    ),
    Row(
        analysis.rotate,
        "images",
        ARRAY,
        lambda: {"degrees": 10.0},
        bad={"rank": (zeros(8),), "empty": (zeros(0, 8, 8, 1),)},
    ),
    Row(
        analysis.occlude,
        "x",
        ARRAY,
        lambda: {"fraction": 0.2},
        bad={"rank": (zeros(8),), "empty": (zeros(0, 8, 8, 1),)},
    ),
    Row(
        analysis.error_report,
        "y",
        ("none", "length"),
        lambda: {"model": classifier(), "x": images()},
        bad={"length": (LABELS[:2],)},
    ),
    # --- course.augment.text ----------------------------------------------------------------
    *[
        Row(fn, "text", ("none", "type"), bad={"type": (3, b"good movie", ["good", "movie"])})
        for fn in (
            text.eda,
            text.random_deletion,
            text.random_swap,
            text.random_insertion,
            text.synonym_replacement,
            text.token_dropout,
        )
    ],
    Row(
        text.augment_dataset,
        "labels",
        ("none", "length"),
        lambda: {"texts": ["a b", "c d"]},
        bad={"length": ([0],)},
    ),
    Row(
        text.augment_dataset,
        "texts",
        ("none", "type", "empty"),
        lambda: {"labels": []},
        bad={"type": ("a b", 3), "empty": ([],)},
    ),
    Row(text.load_reviews, "path", ("type",)),  # a missing file is regenerated, by design
    Row(text.RandomTokenInsertion, "vocabulary", ("none", "type", "empty"), bad={"empty": ([],)}),
    Row(text.synonyms_of, "word", ("none", "type")),
    # --- course.augment.audio ---------------------------------------------------------------
    Row(
        audio.log_spectrogram,
        "waveform",
        ARRAY,
        bad={"rank": (np.float32(1.0),), "empty": (zeros(0), zeros(2, 0))},
    ),
    Row(
        audio.time_stretch,
        "waveform",
        ARRAY,
        lambda: {"rate": 1.1},
        bad={"rank": (np.float32(1.0),), "empty": (zeros(0), zeros(2, 0))},
    ),
    Row(
        audio.pitch_shift,
        "waveform",
        ARRAY,
        lambda: {"semitones": 1.0},
        bad={"rank": (np.float32(1.0),), "empty": (zeros(0), zeros(2, 0))},
    ),
    Row(
        audio.peak_frequency,
        "waveform",
        ARRAY,
        bad={"rank": (zeros(2, 2, 8),), "empty": (zeros(0),)},
    ),
    Row(audio.noise, "color", ("none", "type", "name")),
    Row(
        audio.mix_at_snr,
        "noise",
        ("none", "type", "length"),
        lambda: {"signal": WAVE, "snr_db": 10.0},
        bad={"length": (WAVE[:100],)},
    ),
    Row(
        audio.snr_db,
        "noisy",
        ("none", "type", "length"),
        lambda: {"clean": WAVE},
        bad={"length": (WAVE[:100],)},
    ),
    Row(audio.BackgroundNoise, "color", ("none", "type", "name")),
    Row(
        call_layer("inputs"),
        "inputs",
        ("rank",),
        lambda: {"training": True},
        setup=lambda: audio.TimeStretch(seed=0),
        state=lambda layer: (layer.built, len(layer.weights)),
        bad={"rank": (zeros(2048), zeros(2, 2, 2048))},
        name="TimeStretch.__call__",
    ),
    Row(
        call_layer("inputs"),
        "inputs",
        ("rank",),
        lambda: {"training": True},
        setup=lambda: audio.PitchShift(seed=0),
        state=lambda layer: (layer.built, len(layer.weights)),
        bad={"rank": (zeros(2048), zeros(2, 2, 2048))},
        name="PitchShift.__call__",
    ),
    # --- course.augment.tabular -------------------------------------------------------------
    Row(
        tabular.smote,
        "X",
        ARRAY,
        lambda: {"y": TABLE_Y},
        bad={"rank": (np.zeros(30),), "empty": (np.zeros((0, 2)),)},
    ),
    Row(
        tabular.smote,
        "y",
        ("none", "length"),
        lambda: {"X": TABLE_X},
        bad={"length": (TABLE_Y[:5],)},
    ),
    Row(
        tabular.adasyn,
        "y",
        ("none", "length"),
        lambda: {"X": TABLE_X},
        bad={"length": (TABLE_Y[:5],)},
    ),
    Row(
        tabular.gaussian_noise,
        "X",
        ARRAY,
        bad={"rank": (np.zeros(30),), "empty": (np.zeros((0, 2)),)},
    ),
    Row(
        tabular.mixup,
        "y",
        ("none", "length"),
        lambda: {"X": TABLE_X, "n_samples": 4},
        bad={"length": (TABLE_Y[:5],)},
    ),
    Row(
        tabular.mixup_oversample,
        "label",
        ("none", "type", "name"),
        lambda: {"X": TABLE_X, "y": TABLE_Y},
    ),
    Row(
        tabular.noise_oversample,
        "y",
        ("none", "length"),
        lambda: {"X": TABLE_X},
        bad={"length": (TABLE_Y[:5],)},
    ),
    Row(
        tabular.compare_resamplers,
        "methods",
        ("type", "name", "empty"),
        bad={"name": (("zzsmote",), ["smote", "zzmixup"]), "empty": ((),)},
    ),
    Row(
        tabular.resampler_outcomes,
        "methods",
        ("type", "name", "empty"),
        bad={"name": (("zzsmote",), ["smote", "zzmixup"]), "empty": ((),)},
    ),
    # --- course.viz -------------------------------------------------------------------------
    Row(viz.image_grid, "images", ARRAY, bad={"rank": (zeros(8),), "empty": (zeros(0, 8, 8, 1),)}),
    Row(
        viz.image_grid,
        "labels",
        ("type", "length"),
        lambda: {"images": images()},
        bad={"length": (["a"],)},
    ),
    Row(viz.plot_curves, "histories", ("none", "type", "empty"), bad={"empty": ({}, [])}),
]


def _allowed(error):
    """ValueError/TypeError themselves, or the library's own subclasses of them."""
    kind = type(error)
    return kind in (ValueError, TypeError) or (
        issubclass(kind, (ValueError, TypeError)) and kind.__module__.startswith("course.")
    )


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.name}-{r.argument}" for r in ROWS])
@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(draw=st.data())
def test_bad_structure_is_refused_naming_the_argument(row, draw, tmp_path, monkeypatch):
    """Every example draws one value of each bad kind of the row and checks each refusal."""
    monkeypatch.chdir(tmp_path)  # nothing a refused call might write lands in the checkout
    obj = row.setup() if row.setup else None
    before = row.state(obj) if row.state else None
    for kind in row.kinds:
        value = draw.draw(row.strategy(kind), label=f"{row.argument} ({kind})")
        try:
            row.invoke(obj, value)
        except Exception as error:  # noqa: BLE001 - the point is to see which type escapes
            assert _allowed(error), (
                f"{kind} {row.argument}={value!r}: {type(error).__module__}."
                f"{type(error).__name__} escaped: {error}"
            )
            message = str(error)
            assert row.argument in message, (
                f"{kind} {row.argument}={value!r}: message does not name "
                f"{row.argument!r}: {message}"
            )
            assert not ESCAPE.search(message), f"{kind}: a terminal colour code in {message!r}"
        else:
            pytest.fail(f"{kind} {row.argument}={value!r} was accepted")
        if row.state:
            assert row.state(obj) == before, f"{kind} {row.argument}={value!r} changed the state"


def _has_default(row):
    try:
        parameter = inspect.signature(row.target).parameters.get(row.argument)
    except (TypeError, ValueError):
        return False
    return parameter is not None and parameter.default is not inspect.Parameter.empty


VALID = {}
for _row in ROWS:
    if _has_default(_row) and _row.default_is_valid and not _row.setup:
        VALID.setdefault((_row.name, tuple(sorted(_row.valid()))), _row)


@pytest.mark.parametrize("row", list(VALID.values()), ids=[r.name for r in VALID.values()])
def test_the_valid_arguments_of_each_row_are_accepted(row, tmp_path, monkeypatch):
    """Each row whose argument has a default works with that default, so the refusals above
    come from the bad value."""
    monkeypatch.chdir(tmp_path)
    row.valid_call()


def test_coverage_is_reported():
    entry_points = {row.name for row in ROWS}
    arguments = {(row.name, row.argument) for row in ROWS}
    cases = sum(len(row.kinds) for row in ROWS)
    print(
        f"\nstructural suite: {len(entry_points)} entry points, {len(arguments)} arguments, "
        f"{cases} (argument, kind) cases"
    )
    assert len(arguments) == len(ROWS)  # one row per argument: no duplicated rows
