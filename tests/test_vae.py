"""VAE, beta-VAE, conditional VAE and VQ-VAE: losses against closed forms and TFP, training,
serialization, and argument checks."""

import keras
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_probability as tfp

from course.generative.vae import VAE, ConditionalVAE, continuous_bernoulli_nll, gaussian_kl
from course.generative.vqvae import VQVAE, VectorQuantizer, code_statistics
from tests.helpers import train_steps

tfd = tfp.distributions
SHAPE = (8, 8, 1)


def test_closed_form_kl_equals_tfp(binary_batch):
    rng = np.random.default_rng(1)
    mean = rng.normal(size=(16, 5)).astype("float32")
    log_var = rng.normal(size=(16, 5)).astype("float32")
    posterior = tfd.MultivariateNormalDiag(mean, tf.exp(0.5 * log_var))
    prior = tfd.MultivariateNormalDiag(tf.zeros(5), tf.ones(5))
    np.testing.assert_allclose(
        gaussian_kl(mean, log_var).numpy(), tfd.kl_divergence(posterior, prior).numpy(), rtol=1e-5
    )
    assert np.allclose(gaussian_kl(np.zeros((2, 5)), np.zeros((2, 5))), 0.0)  # q = prior


def test_continuous_bernoulli_nll_matches_its_closed_form_density(binary_batch):
    # log p(x | lambda) = x log lambda + (1 - x) log(1 - lambda) + log C(lambda), with
    # C(lambda) = 2 artanh(1 - 2 lambda) / (1 - 2 lambda) (Loaiza-Ganem & Cunningham 2019).
    x, _ = binary_batch
    logits = np.random.default_rng(2).normal(0, 3, size=x.shape)
    logits[0, 0, 0, 0] = 0.5  # lambda near 1/2, where C tends to 2
    lam = 1 / (1 + np.exp(-logits))
    log_c = np.log(2 * np.arctanh(1 - 2 * lam) / (1 - 2 * lam))
    log_p = x * np.log(lam) + (1 - x) * np.log(1 - lam) + log_c
    expected = -log_p.reshape(32, -1).sum(axis=1)
    got = continuous_bernoulli_nll(x, logits.astype("float32")).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-4)
    # A density on [0, 1]: it integrates to 1 (midpoint rule over one pixel).
    grid = (np.arange(20_000) + 0.5) / 20_000
    one_pixel = np.exp(
        -continuous_bernoulli_nll(grid.reshape(-1, 1, 1, 1), np.full((1, 1, 1, 1), 2.0))
    )
    assert float(np.mean(one_pixel)) == pytest.approx(1.0, abs=1e-4)


def test_reparameterization_is_differentiable_and_has_the_right_moments():
    model = VAE(SHAPE, 3, seed=0)
    mean = tf.constant([[1.0, -2.0, 0.5]] * 4000)
    log_var = tf.constant([[0.0, np.log(4.0), np.log(0.25)]] * 4000, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(mean)
        z = model.reparameterize(mean, log_var)
        total = tf.reduce_sum(z)
    np.testing.assert_allclose(tape.gradient(total, mean).numpy(), 1.0)
    np.testing.assert_allclose(z.numpy().mean(0), [1.0, -2.0, 0.5], atol=0.1)
    np.testing.assert_allclose(z.numpy().std(0), [1.0, 2.0, 0.5], rtol=0.05)


@pytest.mark.parametrize("beta", [0.0, 1.0, 3.5])
def test_loss_is_reconstruction_plus_beta_kl_and_elbo_ignores_beta(binary_batch, beta):
    x, _ = binary_batch
    values = {k: float(v) for k, v in VAE(SHAPE, 2, beta=beta, seed=0).compute_losses(x).items()}
    assert values["loss"] == pytest.approx(
        values["reconstruction_loss"] + beta * values["kl_loss"], rel=1e-6
    )
    assert values["elbo"] == pytest.approx(
        -(values["reconstruction_loss"] + values["kl_loss"]), rel=1e-6
    )


def test_sampling_interpolation_and_latent_map(binary_batch):
    x, _ = binary_batch
    model = VAE(SHAPE, 2, seed=0)
    assert model.generate(5, seed=1).shape == (5, *SHAPE)
    path = model.interpolate(x[0], x[1], steps=6)
    assert path.shape == (6, *SHAPE)
    np.testing.assert_allclose(path[0], model.predict(x[:1], verbose=0)[0], atol=1e-6)
    np.testing.assert_allclose(path[-1], model.predict(x[1:2], verbose=0)[0], atol=1e-6)
    grid, z = model.latent_grid(n=4, quantile=0.9)
    assert grid.shape == (16, *SHAPE) and z.shape == (16, 2)
    assert z[0, 0] < z[3, 0] and z[0, 1] > z[12, 1]  # z1 grows along rows, z2 falls down them
    np.testing.assert_allclose(
        np.unique(z[:, 0]), [-1.2816, -0.3407, 0.3407, 1.2816], atol=1e-3
    )  # Phi^-1 of 0.1, 0.367, 0.633, 0.9
    with pytest.raises(ValueError, match="latent_dim == 2"):
        VAE(SHAPE, 3).latent_grid()


def test_conditional_vae_uses_the_label(binary_batch):
    x, y = binary_batch
    model = ConditionalVAE(SHAPE, num_classes=3, latent_dim=2, seed=0)
    z = np.zeros((1, 2), "float32")
    assert not np.allclose(model.decode(z, [0]), model.decode(z, [1]))
    assert model.generate(4, labels=2, seed=0).shape == (4, *SHAPE)
    with pytest.raises(ValueError, match="labels must be"):
        model.generate(4, labels=3)
    with pytest.raises(ValueError, match="labels"):
        model.compute_losses(x)


def test_vector_quantizer_picks_the_nearest_code():
    layer = VectorQuantizer(6, 3)
    layer.build((None, 3))
    codebook = layer.codebook.numpy()
    z = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32") * 0.2
    quantized, indices = layer(z)
    brute = ((z[..., None, :] - codebook) ** 2).sum(-1).argmin(-1)
    np.testing.assert_array_equal(indices.numpy(), brute)
    np.testing.assert_allclose(quantized.numpy(), codebook[brute])
    assert layer.codebook in layer.trainable_weights  # add_weight, not a stray tf.Variable


def test_code_statistics():
    perplexity, usage = code_statistics(np.arange(8) % 4, 8)
    assert float(perplexity) == pytest.approx(4.0, rel=1e-4) and float(usage) == 0.5
    perplexity, usage = code_statistics(np.zeros(10, "int32"), 8)
    assert float(perplexity) == pytest.approx(1.0, rel=1e-4) and float(usage) == 0.125


def test_vqvae_codebook_trains_and_straight_through_reaches_the_encoder(binary_batch):
    x, _ = binary_batch
    keras.utils.set_random_seed(0)
    model = VQVAE(SHAPE, latent_dim=4, num_embeddings=8, commitment_cost=0.25)
    with tf.GradientTape() as tape:
        loss = model.compute_losses(x, training=True)["reconstruction_loss"]
    grads = tape.gradient(loss, model.encoder.trainable_weights)
    assert all(g is not None and float(tf.reduce_sum(tf.abs(g))) > 0 for g in grads)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    before = model.codebook.numpy().copy()
    logs = train_steps(model, tf.constant(x), 5)[-1]
    assert np.abs(model.codebook.numpy() - before).max() > 1e-3
    assert 1.0 <= logs["perplexity"] <= 8.0 and 0 < logs["codebook_usage"] <= 1.0
    indices = model.encode_indices(x[:2])
    assert indices.shape == (2, 4, 4)
    assert model.decode_indices(indices).shape == (2, *SHAPE)


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda: VAE(SHAPE, 0), "latent_dim"),
        (lambda: VAE(SHAPE, 2, beta=-0.5), "beta"),
        (lambda: ConditionalVAE(SHAPE, num_classes=1), "num_classes"),
        (lambda: VQVAE(SHAPE, 0, 8), "latent_dim"),
        (lambda: VQVAE(SHAPE, 4, 1), "num_embeddings"),
        (lambda: VQVAE(SHAPE, 4, 8, commitment_cost=-1.0), "commitment_cost"),
        (lambda: VectorQuantizer(1, 4), "num_embeddings"),
    ],
)
def test_invalid_arguments_name_the_argument(make, argument):
    with pytest.raises(ValueError, match=argument):
        make()


def test_quality_figures(binary_batch):
    from course.generative.vae_quality import quality, reconstruction_mse

    x, _ = binary_batch
    y = np.arange(32) % 10
    vqvae = VQVAE(SHAPE, latent_dim=4, num_embeddings=8)
    manual = np.mean((x - vqvae.predict(x, verbose=0)) ** 2)
    assert reconstruction_mse(vqvae, x) == pytest.approx(manual, rel=1e-6)
    assert set(quality(vqvae, x, y)) == {"reconstruction_mse"}
    vae = VAE(SHAPE, 2, seed=0)
    report = quality(vae, x, y)
    assert set(report) == {"reconstruction_mse", "elbo", "kl"} and report["elbo"] < 0
    mean, log_var = vae.encode(x)  # the KL term is deterministic: its closed form on the posteriors
    assert report["kl"] == pytest.approx(float(np.mean(gaussian_kl(mean, log_var))), rel=1e-4)
    cvae = ConditionalVAE(SHAPE, num_classes=10, latent_dim=2, seed=0)
    report = quality(cvae, x, y, samples_per_class=3)
    assert 0.0 <= report["conditional_accuracy"] <= 1.0 and report["fid"] > 0
