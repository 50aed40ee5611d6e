"""Property-based sweep of the public numeric arguments across the library (hypothesis).

`ROWS` is a table: (entry point, argument, valid keyword arguments, which kinds of bad value
must fail). For each row and kind, hypothesis draws bad values of that kind (NaN, inf,
negative, zero, huge, wrong type, non-integer float, wrong shape), calls the entry point with
the otherwise valid arguments, and asserts a ValueError/TypeError whose message names the
argument. Rows with an object check that its state (weights, counters, attributes) and Keras'
global dtype policy are unchanged afterwards. A second test proves each row's valid call
works, so the refusal comes from the bad value. Nothing trains; examples are few and
derandomized, so the file is deterministic and stays well under a minute and a half.
"""

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course import (
    analysis,
    augment,
    data,
    ensemble,
    generative,
    layers,
    models,
    optim,
    regularization,
    semisupervised,
    train,
    transfer,
)
from course.augment import audio, tabular, text
from course.ensemble.boosting import samme_alpha
from course.experiments import optimizer_sweep
from course.experiments import small_batch_norm as nn_norm
from course.nn import activations as nn_activations
from course.nn import backprop as nn_backprop
from course.nn import initialization as nn_init
from course.nn import losses as nn_losses

NAN = float("nan")
KINDS = {
    "nan": st.sampled_from([NAN, np.float32(NAN), np.float64(NAN)]),
    "inf": st.sampled_from([math.inf, -math.inf, np.float32(math.inf), np.float64(-math.inf)]),
    "negative": st.one_of(st.floats(-1e6, -1e-3), st.integers(-(10**6), -1)),
    "zero": st.sampled_from([0, 0.0]),
    "huge": st.one_of(st.floats(1e9, 1e300), st.integers(10**9, 10**30)),
    "type": st.sampled_from(["0.5", "1", b"1", {"value": 1}, object(), 1j]),
    "float": st.floats(0.1, 100.0).filter(lambda v: not float(v).is_integer()),
    "below -1": st.one_of(st.floats(-1e6, -1.001), st.integers(-(10**6), -2)),
}
FRACTION = ("nan", "inf", "negative", "huge", "type")  # a number in [0, 1]
POSITIVE = ("nan", "inf", "negative", "zero", "type")  # a number > 0
NON_NEGATIVE = ("nan", "inf", "negative", "type")  # a number >= 0
COUNT = ("negative", "zero", "float", "type", "nan")  # an int >= 1
INDEX = ("negative", "float", "type", "nan")  # an int >= 0
FINITE = ("nan", "inf", "type")  # any finite number
SEED = ("negative", "float", "type", "nan")  # None or an int >= 0
GROUPS = ("below -1", "zero", "float", "type", "nan")  # an int >= 1, or -1 (one channel a group)


@dataclass
class Row:
    """One public argument: call `target(**valid, argument=bad)` and expect a named refusal.

    `valid()` gives the other arguments; `good` is a valid value of `argument` itself when it
    has no default. `setup` builds an object once per test; `target` then receives it first
    and `state` snapshots what the refused call must leave unchanged. `shapes` lists
    wrong-shape (or otherwise malformed) values.
    """

    target: Callable
    argument: str
    kinds: tuple
    valid: Callable = dict
    good: object = None
    setup: Callable = None
    state: Callable = None
    shapes: tuple = ()
    name: str = field(default="")

    def __post_init__(self):
        if not self.name:
            self.name = getattr(self.target, "__qualname__", "call")

    def invoke(self, obj, value):
        kwargs = {**self.valid(), self.argument: value}
        return self.target(obj, **kwargs) if self.setup else self.target(**kwargs)

    def valid_call(self):
        kwargs = self.valid()
        if self.good is not None:
            kwargs[self.argument] = self.good
        obj = self.setup() if self.setup else None
        return self.target(obj, **kwargs) if self.setup else self.target(**kwargs)


def _images(n=4, size=8, channels=3):
    return np.random.default_rng(0).uniform(0, 1, (n, size, size, channels)).astype("float32")


def _labels():
    return np.eye(3, dtype="float32")[[0, 1, 2, 0]]


def _probs():
    return np.random.default_rng(0).dirichlet(np.ones(3), size=(3, 5))


def _tiny_model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optim.SGD(0.1), "sparse_categorical_crossentropy")
    return model


def _tiny_split_args():
    split = data.load_digits(max_samples=100, seed=0)
    return {"split": split, "build_model": lambda: models.mlp(split.input_shape, 10, hidden=(4,))}


def _switch_args():
    args = {"seeds": (0, 1), "epochs": 1, "then_epochs": 1, "rate": 0.01, "reduced_rate": 1e-3}
    return {**_tiny_split_args(), **args}


def _warmup_args():
    args = {"seeds": (0, 1), "epochs": 1, "rate": 0.01, "warmup_steps": 1}
    return {**_tiny_split_args(), **args}


@functools.cache
def _two_digits():
    return data.digits_rgb(classes=(5, 6), max_samples=200)


def _strategy_arguments():
    """compare_strategies on a small task; only the SVM arm runs, so a valid call is cheap."""
    return {
        "task": _two_digits(),
        "n_labelled": 16,  # the first 8 are all of one class
        "seeds": (0,),
        "strategies": ("features + SVM",),
        "max_epochs": 1,
        "patience": 0,
    }


SCCE = "sparse_categorical_crossentropy"
TABLE = {"X": np.arange(12.0).reshape(6, 2), "y": [0, 0, 0, 1, 1, 1]}


def _dataset():
    import tensorflow as tf

    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    return tf.data.Dataset.from_tensor_slices((x, np.arange(8) % 3)).batch(4)


def _fit(obj, **kwargs):
    return obj.fit(**kwargs)


def _image_model():
    model = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            keras.layers.Flatten(),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    return model


def _checked():
    """Arguments of label_preservation: a model, images, labels and a transform."""
    return {
        "model": _image_model(),
        "x": _images(),
        "y": np.arange(4) % 3,
        "transform": augment.RandomGamma(seed=0),
        "warn": False,
    }


def _mix(layer, images, labels):
    return layer((images, labels))


def _weights(model):
    return tuple(np.asarray(w).tobytes() for w in model.get_weights())


def _layer_state(layer):
    return {k: v for k, v in vars(layer).items() if isinstance(v, (int, float, str, tuple))}


IMAGE_LAYERS = [
    augment.RandomGamma,
    augment.RandomGaussianNoise,
    augment.SaltAndPepper,
    augment.RandomSolarize,
    augment.RandomResizedCrop,
    augment.RandomMotionBlur,
    augment.AutoAugment,
    augment.TrivialAugment,
]
GEOMETRIC = ("rotation", "zoom", "translation", "shear")
VALUE_RANGES = ((1, 0), (0,), (0, NAN), (0, math.inf), "01", None)
WAVE = np.sin(np.linspace(0, 200, 2048)).astype("float32")

ROWS = [
    # --- course.augment: image layers, registry, mixing, per-class, TTA ---------------------
    Row(augment.build, "factor", FRACTION, lambda: {"name": "rotation"}),
    Row(augment.build, "seed", SEED, lambda: {"name": "rotation"}),
    Row(augment.build, "value_range", (), lambda: {"name": "gamma"}, shapes=VALUE_RANGES),
    *[Row(augment.FusedGeometric, arg, FRACTION) for arg in GEOMETRIC + ("flip_probability",)],
    Row(augment.FusedGeometric, "fill_value", FINITE),
    Row(augment.FusedGeometric, "seed", SEED),
    Row(augment.FusedGeometric, "value_range", (), shapes=VALUE_RANGES),
    *[Row(cls, "factor", FRACTION) for cls in IMAGE_LAYERS],
    *[Row(cls, "seed", SEED) for cls in IMAGE_LAYERS],
    *[Row(cls, "value_range", (), shapes=VALUE_RANGES) for cls in IMAGE_LAYERS[:3]],
    Row(augment.RandomMotionBlur, "kernel_size", COUNT, shapes=(4, 1)),
    Row(augment.MixUp, "factor", FRACTION + ("zero",)),
    Row(augment.CutMix, "factor", FRACTION + ("zero",)),
    Row(augment.CutMix, "seed", SEED),
    Row(augment.RandomApply, "rate", FRACTION, lambda: {"layer": keras.layers.RandomFlip()}),
    *[
        Row(
            _mix,
            "labels",
            (),
            lambda: {"images": _images()},
            good=_labels(),
            setup=cls,
            state=_layer_state,
            name=f"{cls.__name__}.__call__",
            shapes=(np.array([0, 1, 2, 0]), np.array([[0], [1], [2], [0]]), _labels()[:3]),
        )
        for cls in (augment.MixUp, augment.CutMix)
    ],
    Row(
        _mix,
        "images",
        (),
        lambda: {"labels": _labels()[:1]},
        good=_images()[:1],
        setup=augment.CutMix,
        state=_layer_state,
        name="CutMix.__call__",
        shapes=(_images()[0],),
    ),
    Row(augment.under_represented, "ratio", FRACTION + ("zero",), lambda: {"labels": [0, 0, 1]}),
    Row(augment.default_tta_transform, "seed", SEED),
    Row(augment.tta_predict, "n", COUNT, lambda: {"model": _image_model(), "x": _images()}, good=2),
    Row(
        augment.tta_predict,
        "batch_size",
        COUNT,
        lambda: {"model": _image_model(), "x": _images(), "n": 2},
    ),
    Row(augment.label_preservation, "copies", COUNT, lambda: {**_checked(), "threshold": 0.1}),
    Row(augment.label_preservation, "threshold", FRACTION, lambda: _checked()),
    *[
        Row(
            augment.compare_online_offline,
            arg,
            COUNT,
            lambda: {
                "x": (_images() * 255).astype("uint8"),
                "y": np.arange(4) % 3,
                "augment": augment.RandomGamma(),
            },
        )
        for arg in ("copies", "epochs", "batch_size")
    ],
    # --- course.augment.text ------------------------------------------------------------------
    *[
        Row(fn, "n", INDEX, lambda: {"text": "good movie"})
        for fn in (text.random_insertion, text.random_swap, text.synonym_replacement)
    ],
    *[
        Row(fn, "p", FRACTION, lambda: {"text": "good movie"})
        for fn in (text.random_deletion, text.token_dropout)
    ],
    Row(text.random_insertion, "seed", SEED, lambda: {"text": "good movie"}),
    Row(text.eda, "n_aug", INDEX, lambda: {"text": "good movie"}),
    *[
        Row(text.eda, arg, FRACTION, lambda: {"text": "good movie"})
        for arg in ("alpha_sr", "alpha_ri", "alpha_rs", "p_rd")
    ],
    Row(text.TokenDropout, "rate", FRACTION),
    Row(text.TokenDropout, "pad_id", INDEX),
    Row(text.TokenDropout, "seed", SEED),
    *[
        Row(cls, "alpha", FRACTION, lambda: {"vocabulary": ["[PAD]", "good", "fine"]})
        for cls in (text.RandomTokenInsertion, text.SynonymReplacement)
    ],
    Row(text.RandomTokenSwap, "alpha", FRACTION),
    # --- course.augment.audio -----------------------------------------------------------------
    Row(audio.TimeStretch, "rate", (), shapes=((0.5,), (2.0, 1.0), (0.0, 1.0), (NAN, 1.0), 1.0)),
    Row(audio.TimeStretch, "n_fft", COUNT),
    Row(audio.TimeStretch, "hop", COUNT),
    Row(audio.TimeStretch, "seed", SEED),
    Row(audio.PitchShift, "semitones", (), shapes=((1.0,), (3.0, -3.0), (0.0, 99.0), (NAN, 0.0))),
    Row(audio.BackgroundNoise, "snr_db", (), shapes=((20.0, 5.0), (-5.0, 5.0), (NAN, 1.0), 3.0)),
    Row(audio.BackgroundNoise, "seed", SEED),
    *[
        Row(audio.SpecAugment, arg, INDEX)
        for arg in ("freq_mask_param", "time_mask_param", "freq_masks", "time_masks")
    ],
    Row(audio.SpecAugment, "mask_value", FINITE),
    Row(audio.LogSpectrogram, "frame_length", COUNT),
    Row(audio.LogSpectrogram, "frame_step", COUNT),
    Row(audio.tone, "frequency", NON_NEGATIVE + ("huge",), good=440.0),
    *[
        Row(audio.tone, arg, POSITIVE, lambda: {"frequency": 440.0})
        for arg in ("duration", "sample_rate")
    ],
    Row(audio.tone, "amplitude", NON_NEGATIVE, lambda: {"frequency": 440.0}),
    Row(
        audio.chirp,
        "f_end",
        NON_NEGATIVE + ("huge",),
        lambda: {"f_start": 200.0, "duration": 0.01},
        good=300.0,
    ),
    Row(audio.noise, "duration", POSITIVE),
    Row(audio.time_stretch, "rate", POSITIVE, lambda: {"waveform": WAVE}, good=1.5),
    Row(audio.pitch_shift, "semitones", FINITE + ("huge",), lambda: {"waveform": WAVE}, good=2.0),
    Row(
        audio.mix_at_snr,
        "snr_db",
        FINITE,
        lambda: {"signal": WAVE, "noise": WAVE[::-1].copy()},
        good=10.0,
    ),
    Row(audio.semitone_ratio, "semitones", FINITE, good=12),
    # --- course.augment.tabular ---------------------------------------------------------------
    Row(tabular.gaussian_noise, "sigma", NON_NEGATIVE, lambda: {"X": np.zeros((5, 2))}),
    Row(tabular.mixup, "alpha", POSITIVE, lambda: {**TABLE, "n_samples": 4}),
    Row(tabular.mixup, "n_samples", INDEX, lambda: TABLE, good=4),
    Row(
        tabular.smote,
        "k_neighbors",
        COUNT,
        lambda: {"X": np.arange(20.0).reshape(10, 2), "y": [0] * 7 + [1] * 3},
        good=2,
    ),
    Row(tabular.imbalanced_breast_cancer, "n_minority", COUNT),
    # --- course.ensemble ----------------------------------------------------------------------
    *[
        Row(fn, "e", FRACTION, lambda: {"M": 5}, good=0.2)
        for fn in (ensemble.majority_vote_error, ensemble.notes_ensemble_error)
    ],
    *[
        Row(fn, "M", COUNT, lambda: {"e": 0.2}, good=5)
        for fn in (ensemble.majority_vote_error, ensemble.notes_ensemble_error)
    ],
    Row(
        ensemble.correlated_majority_error,
        "rho",
        FRACTION,
        lambda: {"e": 0.2, "M": 5, "n_trials": 10},
        good=0.3,
    ),
    Row(
        ensemble.correlated_majority_error,
        "n_trials",
        COUNT,
        lambda: {"e": 0.2, "M": 5, "rho": 0.1},
    ),
    Row(ensemble.bootstrap_indices, "n", COUNT, lambda: {"n_members": 2}, good=5),
    Row(ensemble.bootstrap_indices, "n_members", COUNT, lambda: {"n": 5}, good=2),
    Row(ensemble.bootstrap_indices, "seed", SEED, lambda: {"n": 5, "n_members": 2}),
    Row(ensemble.BaggingEnsemble, "n_members", COUNT, lambda: {"build_model": _tiny_model}),
    Row(ensemble.AdaBoostSAMME, "n_rounds", COUNT, lambda: {"build_model": _tiny_model}),
    Row(
        _fit,
        "num_classes",
        COUNT,
        lambda: {"x": np.zeros((4, 4), "float32"), "y": np.array([0, 1, 0, 1])},
        setup=lambda: ensemble.AdaBoostSAMME(_tiny_model, n_rounds=1),
        state=lambda boost: (len(boost.learners), len(boost.alphas)),
        name="AdaBoostSAMME.fit",
    ),
    Row(
        _fit,
        "y",
        (),
        lambda: {"x": np.zeros((4, 4), "float32"), "num_classes": 2},
        setup=lambda: ensemble.AdaBoostSAMME(_tiny_model, n_rounds=1),
        state=lambda boost: len(boost.learners),
        name="AdaBoostSAMME.fit",
        shapes=(np.array([0, 1, 2, 1]), np.eye(4, 2), np.array([0, 1])),
    ),
    Row(samme_alpha, "error", FRACTION, lambda: {"num_classes": 3}, good=0.2),
    Row(
        ensemble.soft_vote,
        "weights",
        (),
        lambda: {"probs": _probs()},
        shapes=([1.0, 1.0], [1.0, -1.0, 1.0], [NAN, 1.0, 1.0], [[1.0, 1.0, 1.0]], [0.0, 0.0, 0.0]),
    ),
    Row(
        ensemble.hard_vote,
        "probs",
        (),
        good=_probs(),
        shapes=(np.zeros((3, 4)), np.full((2, 3, 4), NAN), np.zeros((0, 2, 3)), "abc"),
    ),
    Row(
        ensemble.average_predictions,
        "predictions",
        (),
        good=[[1.0], [3.0]],
        shapes=([1.0, 2.0], [[NAN, 1.0]], [["a"], ["b"]]),
    ),
    # --- course.layers and course.optim -------------------------------------------------------
    Row(layers.Dropout, "rate", FRACTION, good=0.5),
    Row(
        layers.Dropout, "seed", ("float", "type", "nan"), lambda: {"rate": 0.5}
    ),  # Keras takes any int
    Row(layers.BatchNorm, "momentum", FRACTION),
    Row(layers.BatchNorm, "epsilon", POSITIVE),
    Row(layers.BatchNorm, "axis", ("float", "type", "nan")),
    Row(layers.LayerNorm, "epsilon", POSITIVE),
    Row(layers.GroupNorm, "groups", GROUPS),
    Row(layers.GroupNorm, "epsilon", POSITIVE),
    Row(layers.dropout_survival_probability, "rate", FRACTION, lambda: {"n": 10, "k": 5}, good=0.5),
    Row(layers.dropout_survival_probability, "n", INDEX, lambda: {"k": 0, "rate": 0.5}, good=10),
    *[
        Row(cls, "learning_rate", NON_NEGATIVE)
        for cls in (optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop)
    ],
    Row(optim.SGD, "momentum", FRACTION),
    *[Row(optim.Adam, arg, FRACTION) for arg in ("beta_1", "beta_2")],
    *[Row(cls, "epsilon", POSITIVE) for cls in (optim.Adam, optim.AdamW, optim.RMSprop)],
    Row(optim.AdamW, "weight_decay", NON_NEGATIVE),
    Row(optim.RMSprop, "rho", FRACTION),
    # --- course.train -------------------------------------------------------------------------
    Row(
        train.Trainer, "steps_per_execution", COUNT, lambda: {"model": _tiny_model(), "loss": SCCE}
    ),
    *[
        Row(train.Trainer, arg, POSITIVE, lambda: {"model": _tiny_model(), "loss": SCCE})
        for arg in ("clipvalue", "clipnorm", "global_clipnorm")
    ],
    Row(
        train.Trainer, "learning_rate", NON_NEGATIVE, lambda: {"model": _tiny_model(), "loss": SCCE}
    ),
    Row(
        train.Trainer,
        "optimizer",
        ("type",),
        lambda: {"model": _tiny_model(), "loss": SCCE, "mixed_precision": True},
        name="Trainer(mixed_precision=True)",
    ),
    Row(train.EarlyStopping, "patience", INDEX),
    Row(train.EarlyStopping, "min_delta", NON_NEGATIVE),
    Row(train.Checkpointer, "max_to_keep", COUNT, lambda: {"directory": "unused-checkpoints"}),
    Row(train.Checkpointer, "directory", (), good="checkpoints", shapes=(None, 5, 1.5)),
    Row(
        _fit,
        "epochs",
        COUNT,
        lambda: {"data": _dataset()},
        setup=lambda: train.Trainer(_tiny_model(), loss=SCCE, verbose=0),
        state=lambda trainer: _weights(trainer.model),
        name="Trainer.fit",
    ),
    # --- course.generative --------------------------------------------------------------------
    Row(generative.VAE, "latent_dim", COUNT, lambda: {"input_shape": (8, 8, 1)}),
    Row(generative.VAE, "beta", NON_NEGATIVE, lambda: {"input_shape": (8, 8, 1)}),
    Row(generative.Autoencoder, "latent_dim", COUNT, lambda: {"input_shape": (8, 8, 1)}, good=2),
    Row(
        generative.DenoisingAutoencoder,
        "noise_stddev",
        NON_NEGATIVE,
        lambda: {"input_shape": (8, 8, 1), "latent_dim": 2},
    ),
    Row(
        generative.SparseAutoencoder,
        "l1",
        NON_NEGATIVE,
        lambda: {"input_shape": (8, 8, 1), "latent_dim": 2},
    ),
    Row(
        generative.ContractiveAutoencoder,
        "contractive_weight",
        NON_NEGATIVE,
        lambda: {"input_shape": (8, 8, 1), "latent_dim": 2},
    ),
    Row(
        generative.VQVAE,
        "commitment_cost",
        NON_NEGATIVE,
        lambda: {"input_shape": (8, 8, 1), "latent_dim": 2, "num_embeddings": 4},
    ),
    Row(
        generative.VQVAE,
        "num_embeddings",
        COUNT,
        lambda: {"input_shape": (8, 8, 1), "latent_dim": 2},
        good=4,
    ),
    Row(generative.VectorQuantizer, "num_embeddings", COUNT, lambda: {"embedding_dim": 2}, good=4),
    Row(
        generative.ConditionalVAE, "num_classes", COUNT, lambda: {"input_shape": (8, 8, 1)}, good=3
    ),
    Row(generative.DCGAN, "latent_dim", COUNT),
    Row(generative.DCGAN, "dropout", FRACTION),
    Row(generative.WGANGP, "n_critic", COUNT),
    Row(generative.WGANGP, "gp_weight", NON_NEGATIVE),
    Row(generative.DiffusionModel, "timesteps", COUNT),
    Row(generative.DiffusionModel, "label_dropout", FRACTION),
    Row(generative.DiffusionModel, "ema_decay", FRACTION),
    Row(generative.ACGAN, "num_classes", COUNT),
    # --- course.transfer, course.data, course.analysis, course.models -------------------------
    Row(transfer.recommend_strategy, "n_samples", COUNT, lambda: {"similarity": 0.7}, good=100),
    Row(
        transfer.recommend_strategy,
        "similarity",
        ("nan", "inf", "negative", "huge"),
        lambda: {"n_samples": 100},
        good=0.7,
    ),
    Row(
        transfer.fit_feature_classifier,
        "C",
        POSITIVE,
        lambda: {"features": np.eye(4), "y": [0, 1, 0, 1]},
    ),
    Row(
        transfer.extract_features,
        "batch_size",
        COUNT,
        lambda: {"backbone": _tiny_model(), "x": np.zeros((2, 4), "float32")},
    ),
    *(
        Row(transfer.compare_strategies, argument, kinds, _strategy_arguments)
        for argument, kinds in (
            ("n_labelled", COUNT),
            ("max_epochs", COUNT),
            ("patience", INDEX),
            ("steps_per_epoch", COUNT),
        )
    ),
    Row(data.load_digits, "val_fraction", FRACTION),
    Row(data.load_digits, "image_size", COUNT),
    Row(data.load_digits, "seed", SEED),
    Row(data.load_shapes, "val_fraction", FRACTION, lambda: {"n": 60, "image_size": 8}),
    Row(data.make_shapes, "n", COUNT, good=6),
    Row(data.make_shapes, "position_jitter", FRACTION, lambda: {"n": 6}),
    Row(
        data.make_pipeline,
        "batch_size",
        COUNT,
        lambda: {"x": np.zeros((4, 2), "float32"), "y": np.arange(4)},
    ),
    Row(analysis.add_noise, "std", NON_NEGATIVE, lambda: {"x": _images()}, good=0.1),
    Row(analysis.blur, "sigma", NON_NEGATIVE, lambda: {"x": _images()}, good=1.0),
    Row(analysis.occlude, "fraction", FRACTION, lambda: {"x": _images()}, good=0.3),
    Row(analysis.rotate, "degrees", FINITE, lambda: {"images": _images()}, good=10.0),
    Row(analysis.rescale, "factor", POSITIVE, lambda: {"images": _images()}, good=0.8),
    Row(analysis.translate, "dx", FINITE, lambda: {"images": _images(), "dy": 0.0}, good=1.0),
    Row(analysis.translate, "dy", FINITE, lambda: {"images": _images(), "dx": 0.0}, good=1.0),
    Row(
        analysis.confusion_matrix,
        "num_classes",
        COUNT,
        lambda: {"y_true": [0, 1], "y_pred": [1, 1]},
        good=2,
    ),
    Row(analysis.most_confused, "k", COUNT, lambda: {"cm": np.eye(3, dtype="int64")}),
    Row(
        models.small_cnn, "kernel_size", COUNT, lambda: {"input_shape": (8, 8, 1), "num_classes": 3}
    ),
    Row(
        models.small_cnn, "dropout", FRACTION, lambda: {"input_shape": (8, 8, 1), "num_classes": 3}
    ),
    Row(models.residual_mlp, "depth", COUNT, lambda: {"input_shape": (4,), "num_classes": 3}),
    Row(models.residual_mlp, "width", COUNT, lambda: {"input_shape": (4,), "num_classes": 3}),
    # --- course.regularization, course.semisupervised, course.nn ------------------------------
    Row(regularization.L1L2, "l1", NON_NEGATIVE),
    Row(regularization.L1L2, "l2", NON_NEGATIVE),
    Row(regularization.augmenter, "rotate", FRACTION),
    Row(
        semisupervised.labelled_subset,
        "n_labelled",
        COUNT,
        lambda: {"y": np.array([0, 1] * 5)},
        good=4,
    ),
    Row(models.compile_classifier, "learning_rate", POSITIVE, lambda: {"model": _tiny_model()}),
    Row(
        nn_losses.binary_crossentropy,
        "label_smoothing",
        FRACTION,
        lambda: {"y_true": np.array([0.0, 1.0]), "y_pred": np.array([0.2, 0.7])},
    ),
    Row(
        nn_losses.focal_loss,
        "gamma",
        NON_NEGATIVE,
        lambda: {"y_true": np.array([0.0, 1.0]), "y_pred": np.array([0.2, 0.7])},
    ),
    Row(nn_activations.leaky_relu, "negative_slope", FINITE, lambda: {"x": np.array([-1.0, 1.0])}),
    Row(nn_init.init_std, "fan_in", COUNT, lambda: {"name": "he", "fan_out": 3}, good=4),
    Row(nn_backprop.init_two_layer, "n_hidden", COUNT, lambda: {"n_in": 2, "n_out": 1}, good=3),
    Row(nn_norm.make_norm, "momentum", FRACTION, lambda: {"kind": "batch"}),
    # --- course.experiments.optimizer_sweep (07/10): refused before anything trains ----------
    *[
        Row(optimizer_sweep.switch_runs, arg, kinds, _switch_args)
        for arg, kinds in [("rate", POSITIVE), ("reduced_rate", POSITIVE), ("momentum", FRACTION)]
    ],
    Row(optimizer_sweep.warmup_runs, "warmup_steps", COUNT, _warmup_args),
]


def _kinds(row):
    return row.kinds + (("shape",) if row.shapes else ())


def _strategy(row, kind):
    return st.sampled_from(row.shapes) if kind == "shape" else KINDS[kind]


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.name}-{r.argument}" for r in ROWS])
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_bad_values_are_refused_naming_the_argument(row, data):
    """Every example draws one value of each bad kind of the row and checks each refusal."""
    obj = row.setup() if row.setup else None
    before = row.state(obj) if row.state else None
    policy = keras.config.dtype_policy().name
    for kind in _kinds(row):
        value = data.draw(_strategy(row, kind), label=f"{row.argument} ({kind})")
        with pytest.raises((ValueError, TypeError)) as caught:
            row.invoke(obj, value)
        assert row.argument in str(caught.value), (
            f"{kind} {row.argument}={value!r}: message does not name {row.argument!r}: "
            f"{caught.value}"
        )
        assert keras.config.dtype_policy().name == policy
        if row.state:
            assert row.state(obj) == before, (
                f"{kind} {row.argument}={value!r} changed the object's state"
            )


VALID = {}
for _row in ROWS:
    if _row.setup is None:  # method rows would train; their refusals are checked above
        VALID.setdefault((_row.name, _row.argument, tuple(sorted(_row.valid()))), _row)


@pytest.mark.parametrize(
    "row", list(VALID.values()), ids=[f"{r.name}-{r.argument}" for r in VALID.values()]
)
def test_the_valid_arguments_of_each_row_are_accepted(row, tmp_path, monkeypatch):
    """Each row's call works with a valid value, so the refusals above come from the bad one."""
    monkeypatch.chdir(tmp_path)  # Checkpointer may create its directory
    policy = keras.config.dtype_policy()
    try:
        row.valid_call()
    finally:
        keras.config.set_dtype_policy(policy)  # Trainer(mixed_precision=True) sets it globally


def test_coverage_is_reported():
    entry_points = {row.name for row in ROWS}
    arguments = {(row.name, row.argument) for row in ROWS}
    cases = sum(len(_kinds(row)) for row in ROWS)
    print(
        f"\nproperty suite: {len(entry_points)} entry points, {len(arguments)} arguments, "
        f"{cases} (argument, kind) cases"
    )
    assert len(arguments) == len(ROWS)  # one row per argument: no duplicated rows
