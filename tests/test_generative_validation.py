"""Generative constructors reject NaN, inf and out-of-range numbers naming the argument, before
building anything; conditional models reject labels outside [0, num_classes) at call time."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from course.generative import (
    ACGAN,
    DCGAN,
    VAE,
    VQVAE,
    WGANGP,
    Autoencoder,
    ConditionalGAN,
    ConditionalVAE,
    ContractiveAutoencoder,
    DenoisingAutoencoder,
    DiffusionModel,
    SparseAutoencoder,
)
from course.generative.gan import GAN, build_generator, two_time_scale

SHAPE = (8, 8, 1)
NAN, INF = math.nan, math.inf

# (callable taking the bad value, the argument name the message must contain)
NUMERIC_ARGUMENTS = {
    "Autoencoder.latent_dim": (lambda v: Autoencoder(SHAPE, v), "latent_dim"),
    "Autoencoder.input_shape": (lambda v: Autoencoder((8, v, 1), 2), "input_shape"),
    "Autoencoder.hidden_units": (
        lambda v: Autoencoder(SHAPE, 2, hidden_units=(v,)),
        "hidden_units",
    ),
    "DenoisingAutoencoder.noise_stddev": (
        lambda v: DenoisingAutoencoder(SHAPE, 2, noise_stddev=v),
        "noise_stddev",
    ),
    "DenoisingAutoencoder.clip_low": (
        lambda v: DenoisingAutoencoder(SHAPE, 2, clip=(v, 1.0)),
        "clip[0]",
    ),
    "DenoisingAutoencoder.clip_high": (
        lambda v: DenoisingAutoencoder(SHAPE, 2, clip=(0.0, v)),
        "clip[1]",
    ),
    "DenoisingAutoencoder.seed": (lambda v: DenoisingAutoencoder(SHAPE, 2, seed=v), "seed"),
    "SparseAutoencoder.l1": (lambda v: SparseAutoencoder(SHAPE, 2, l1=v), "l1"),
    "ContractiveAutoencoder.contractive_weight": (
        lambda v: ContractiveAutoencoder(SHAPE, 2, contractive_weight=v),
        "contractive_weight",
    ),
    "VAE.beta": (lambda v: VAE(SHAPE, beta=v), "beta"),
    "VAE.latent_dim": (lambda v: VAE(SHAPE, latent_dim=v), "latent_dim"),
    "VAE.seed": (lambda v: VAE(SHAPE, seed=v), "seed"),
    "ConditionalVAE.num_classes": (lambda v: ConditionalVAE(SHAPE, v), "num_classes"),
    "VQVAE.commitment_cost": (lambda v: VQVAE(SHAPE, 2, 4, commitment_cost=v), "commitment_cost"),
    "VQVAE.num_embeddings": (lambda v: VQVAE(SHAPE, 2, v), "num_embeddings"),
    "DCGAN.latent_dim": (lambda v: DCGAN(latent_dim=v), "latent_dim"),
    "DCGAN.width": (lambda v: DCGAN(width=v), "width"),
    "DCGAN.dropout": (lambda v: DCGAN(dropout=v), "dropout"),
    "DCGAN.image_shape": (lambda v: DCGAN(image_shape=(v, 8, 1)), "image_shape"),
    "DCGAN.seed": (lambda v: DCGAN(seed=v), "seed"),
    "ConditionalGAN.num_classes": (lambda v: ConditionalGAN(num_classes=v), "num_classes"),
    "ACGAN.num_classes": (lambda v: ACGAN(num_classes=v), "num_classes"),
    "WGANGP.gp_weight": (lambda v: WGANGP(gp_weight=v), "gp_weight"),
    "WGANGP.epsilon": (lambda v: WGANGP(epsilon=v), "epsilon"),
    "WGANGP.n_critic": (lambda v: WGANGP(n_critic=v), "n_critic"),
    "DiffusionModel.timesteps": (lambda v: DiffusionModel(timesteps=v), "timesteps"),
    "DiffusionModel.label_dropout": (lambda v: DiffusionModel(label_dropout=v), "label_dropout"),
    "DiffusionModel.ema_decay": (lambda v: DiffusionModel(ema_decay=v), "ema_decay"),
    "DiffusionModel.filters": (lambda v: DiffusionModel(filters=v), "filters"),
    "DiffusionModel.groups": (lambda v: DiffusionModel(groups=v), "groups"),
    "DiffusionModel.image_shape": (lambda v: DiffusionModel(image_shape=(8, v, 1)), "image_shape"),
    "DiffusionModel.seed": (lambda v: DiffusionModel(seed=v), "seed"),
    "two_time_scale.g_learning_rate": (
        lambda v: two_time_scale(g_learning_rate=v),
        "g_learning_rate",
    ),
    "two_time_scale.d_learning_rate": (
        lambda v: two_time_scale(d_learning_rate=v),
        "d_learning_rate",
    ),
    "two_time_scale.beta_1": (lambda v: two_time_scale(beta_1=v), "beta_1"),
    "two_time_scale.beta_2": (lambda v: two_time_scale(beta_2=v), "beta_2"),
}


@pytest.mark.parametrize("value", [NAN, INF, -INF], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("case", sorted(NUMERIC_ARGUMENTS))
def test_non_finite_numbers_are_rejected_naming_the_argument(case, value):
    make, name = NUMERIC_ARGUMENTS[case]
    with pytest.raises((ValueError, TypeError), match=name.replace("[", r"\[").replace("]", r"\]")):
        make(value)


def test_label_smoothing_rejects_nan_and_leaves_the_model_uncompiled():
    gan = DCGAN(latent_dim=4, width=4)
    with pytest.raises(ValueError, match="label_smoothing"):
        gan.compile(label_smoothing=NAN)
    assert gan.d_optimizer is None and gan.g_optimizer is None


def test_gan_networks_must_be_keras_models():
    with pytest.raises(TypeError, match="discriminator"):
        GAN(build_generator(latent_dim=4, width=4), "not a model", latent_dim=4)


def test_clip_must_be_ordered():
    with pytest.raises(ValueError, match=r"clip\[1\]"):
        DenoisingAutoencoder(SHAPE, 2, clip=(1.0, 0.0))


def test_groups_must_divide_filters():
    with pytest.raises(ValueError, match="groups"):
        DiffusionModel(filters=6, groups=4)


BAD_LABELS = {"too large": [0, 3], "negative": [-1, 0], "fractional": [0.5, 1.0]}


@pytest.fixture(scope="module")
def conditional_models():
    keras.utils.set_random_seed(0)
    return {
        "ConditionalVAE": ConditionalVAE(SHAPE, 3, hidden_units=(4,)),
        "ConditionalGAN": ConditionalGAN(num_classes=3, latent_dim=4, width=4),
        "ACGAN": ACGAN(num_classes=3, latent_dim=4, width=4),
        "DiffusionModel": DiffusionModel(timesteps=10, num_classes=3, filters=4, groups=2),
    }


def _call(name, model, labels):
    """Call a conditional model on two examples with the given labels."""
    if name == "ConditionalVAE":
        return model((np.zeros((2, *SHAPE), "float32"), labels))
    if name == "DiffusionModel":
        return model([np.zeros((2, *SHAPE), "float32"), np.array([1, 1]), labels])
    return model((np.zeros((2, 4), "float32"), labels))


@pytest.mark.parametrize("kind", sorted(BAD_LABELS))
@pytest.mark.parametrize("name", ["ConditionalVAE", "ConditionalGAN", "ACGAN", "DiffusionModel"])
def test_eager_call_rejects_labels_outside_the_classes(conditional_models, name, kind):
    model = conditional_models[name]
    error = TypeError if kind == "fractional" else ValueError  # float labels fail on their dtype
    with pytest.raises(error, match=r"(labels|y) must be integer class indices in \[0, 3\)"):
        _call(name, model, np.array(BAD_LABELS[kind]))
    assert np.all(
        np.isfinite(np.asarray(_call(name, model, np.array([0, 2]))))
    )  # valid labels still work


@pytest.mark.parametrize("name", ["ConditionalVAE", "ConditionalGAN"])
def test_graph_call_asserts_the_label_range(conditional_models, name):
    model = conditional_models[name]
    traced = tf.function(lambda labels: _call(name, model, labels))
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be integer class indices"):
        traced(tf.constant([0, 3]))


def test_conditional_gan_fit_rejects_out_of_range_training_labels(conditional_models):
    gan = conditional_models["ConditionalGAN"]
    gan.compile(run_eagerly=True)
    images = np.zeros((4, *SHAPE), "float32")
    with pytest.raises(ValueError, match="y must be integer class indices"):
        gan.fit(images, np.array([0, 1, 2, 7]), batch_size=4, epochs=1, verbose=0)
