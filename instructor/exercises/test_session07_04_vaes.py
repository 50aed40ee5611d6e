"""Solutions to the exercises of notebooks/session07/04_vaes.ipynb, each written as a test that
asserts the outcome the exercise asks the student to predict or find."""

import keras
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_probability as tfp

from course.data import load_digits
from course.generative.vae import VAE, ConditionalVAE, gaussian_kl

tfd = tfp.distributions


def reparameterize(mean, log_var, eps):
    """The notebook's inline trick: z = mu + sigma * eps."""
    return mean + tf.exp(0.5 * log_var) * eps


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.mark.parametrize(
    "mean, var, expected",
    [
        ((0.0, 0.0), (1.0, 1.0), 0.0),  # q is the prior
        ((2.0, 0.0), (1.0, 1.0), 2.0),  # mu^2 / 2
        ((0.0,), (np.e,), 0.5 * (np.e - 1.0 - 1.0)),  # (sigma^2 - log sigma^2 - 1) / 2
    ],
)
def test_exercise1_kl_values(mean, var, expected):
    mean, log_var = np.array([mean]), np.log(np.array([var]))
    ours = float(gaussian_kl(mean, log_var)[0])
    q = tfd.MultivariateNormalDiag(mean[0], np.sqrt(var))
    prior = tfd.MultivariateNormalDiag(np.zeros(len(var)), np.ones(len(var)))
    assert ours == pytest.approx(expected, abs=1e-6)
    assert float(tfd.kl_divergence(q, prior)) == pytest.approx(expected, abs=1e-6)


def test_exercise2_gradients_through_the_trick():
    mu, sigma = tf.Variable(1.5), tf.Variable(0.5)
    eps = tf.random.stateless_normal((400_000,), seed=(0, 1))
    with tf.GradientTape() as tape:
        z = reparameterize(mu, 2.0 * tf.math.log(sigma), eps)
        second_moment = tf.reduce_mean(tf.square(z))
    d_mu, d_sigma = tape.gradient(second_moment, [mu, sigma])
    assert float(d_mu) == pytest.approx(2 * 1.5, rel=0.01)  # d/dmu (mu^2 + sigma^2)
    assert float(d_sigma) == pytest.approx(2 * 0.5, rel=0.02)  # d/dsigma (mu^2 + sigma^2)
    # (a) tf.random.normal(mean=mu, stddev=sigma) is itself computed as mu + sigma * N(0, 1):
    # the trick, so the tape differentiates through it and finds the same gradients.
    with tf.GradientTape() as tape:
        direct = tf.random.normal((400_000,), mean=mu, stddev=sigma, seed=0)
        direct_moment = tf.reduce_mean(tf.square(direct))
    d_mu, d_sigma = tape.gradient(direct_moment, [mu, sigma])
    assert float(d_mu) == pytest.approx(3.0, rel=0.01)
    assert float(d_sigma) == pytest.approx(1.0, rel=0.02)
    # (b) A discrete sample has no such path: k ~ Bernoulli(p) drawn with tf.random.categorical
    # gives the tape nothing to differentiate, although d/dp E[k] = d/dp p = 1.
    p = tf.Variable(0.3)
    with tf.GradientTape() as tape:
        log_probs = tf.math.log(tf.stack([1.0 - p, p]))[None, :]
        k = tf.cast(tf.random.categorical(log_probs, 400_000, seed=0)[0], tf.float32)
        mean_k = tf.reduce_mean(k)
    assert tape.gradient(mean_k, p) is None
    # The score-function (REINFORCE) estimator recovers it: E[f(k) d/dp log p(k)].
    with tf.GradientTape() as tape:
        log_p_k = k * tf.math.log(p) + (1.0 - k) * tf.math.log(1.0 - p)
        surrogate = tf.reduce_mean(tf.stop_gradient(k) * log_p_k)
    assert float(tape.gradient(surrogate, p)) == pytest.approx(1.0, rel=0.03)


def _train(model, digits, epochs=20):
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    model.fit(digits.x_train, digits.y_train, epochs=epochs, batch_size=32, verbose=0)
    return model.evaluate(digits.x_test, digits.y_test, verbose=0, return_dict=True)


def test_exercise3_beta_zero_against_beta_eight(digits):
    autoencoder_like = _train(VAE(digits.input_shape, latent_dim=2, beta=0.0, seed=0), digits)
    strong_prior = _train(VAE(digits.input_shape, latent_dim=2, beta=8.0, seed=0), digits)
    assert autoencoder_like["kl_loss"] > strong_prior["kl_loss"]
    assert autoencoder_like["reconstruction_loss"] < strong_prior["reconstruction_loss"]
    assert strong_prior["kl_loss"] < 0.1  # beta = 8 with two latents: posterior collapse


def conditional_vae_losses(encoder, decoder, x, y, eps, num_classes=10, beta=1.0):
    """The inline VAE loss with the one-hot label fed to the encoder and appended to z."""
    condition = tf.one_hot(tf.cast(y, tf.int32), num_classes)
    stats = encoder([x, condition])
    latent_dim = stats.shape[-1] // 2
    mean, log_var = stats[:, :latent_dim], stats[:, latent_dim:]
    logits = decoder(tf.concat([reparameterize(mean, log_var, eps), condition], axis=-1))
    reconstruction = tf.reduce_sum(  # continuous Bernoulli: cross-entropy - log C(lambda)
        tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits)
        - tf.math.log(logits / tf.tanh(logits / 2)),
        axis=[1, 2, 3],
    )
    kl = 0.5 * tf.reduce_sum(tf.square(mean) + tf.exp(log_var) - log_var - 1.0, axis=-1)
    return {
        "loss": tf.reduce_mean(reconstruction + beta * kl),
        "reconstruction_loss": tf.reduce_mean(reconstruction),
        "kl_loss": tf.reduce_mean(kl),
    }


def test_exercise4_conditional_vae_loss(digits):
    model = ConditionalVAE(digits.input_shape, num_classes=10, latent_dim=2, seed=0)
    _train(model, digits, epochs=2)
    twin = ConditionalVAE(digits.input_shape, num_classes=10, latent_dim=2, seed=5)
    twin.set_weights(model.get_weights())
    x, y = tf.constant(digits.x_test[:64]), tf.constant(digits.y_test[:64])
    eps = keras.random.normal((64, 2), seed=keras.random.SeedGenerator(5))
    ours, theirs = (
        conditional_vae_losses(model.encoder, model.decoder, x, y, eps),
        twin.compute_losses(x, y),
    )
    for name in ours:
        np.testing.assert_allclose(float(ours[name]), float(theirs[name]), rtol=1e-5, atol=1e-6)
    wrong = conditional_vae_losses(model.encoder, model.decoder, x, (y + 1) % 10, eps)
    assert abs(float(wrong["loss"]) - float(theirs["loss"])) > 1e-3  # the label matters
