"""Variational autoencoders (Session 7 section 2.2): `VAE` (with `beta` for beta-VAE) and
`ConditionalVAE`.

The encoder maps x to the mean and log-variance of q(z|x) = N(mu, sigma^2); z = mu + sigma * eps
with eps ~ N(0, I) (the reparameterization trick, so gradients reach mu and sigma); the decoder
gives the logits of p(x|z), a *continuous Bernoulli* per pixel (Loaiza-Ganem & Cunningham 2019),
scored with `tfp.distributions`. Digits are grey levels in [0, 1], not binary: a plain Bernoulli
likelihood on them is a cross-entropy, not a density, and its "ELBO" bounds no log-likelihood.
The continuous Bernoulli adds the normalising constant log C(lambda) that makes p(x|z) a density
on [0, 1], so the ELBO below is a true lower bound of log p(x) (densities can exceed 1, so it
may be positive). Images are decoded to lambda = sigmoid(logits), the distribution's parameter
(its mean lies closer to 0.5). The loss is the negative ELBO
with the KL term weighted by `beta`:
    loss = E_q[-log p(x|z)] + beta * KL(q(z|x) || N(0, I)),   ELBO = -(reconstruction + KL).
All losses are per example (summed over pixels and latent units), in nats.
"""

import keras
import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp
from keras import ops

from course.generative import _coders
from course.generative._checks import class_indices
from course.generative._steps import LossModel
from course.validation import check_number, check_pixels, check_seed

tfd = tfp.distributions


def gaussian_kl(mean, log_var):
    """KL(N(mean, exp(log_var)) || N(0, I)) per example, in closed form:
    0.5 * sum_j (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1)."""
    return 0.5 * ops.sum(ops.square(mean) + ops.exp(log_var) - log_var - 1.0, axis=-1)


def continuous_bernoulli_nll(x, logits):
    """-log p(x | logits) per example under independent continuous-Bernoulli pixels (TFP), in
    nats: the binary cross-entropy minus log C(lambda), summed over pixels."""
    likelihood = tfd.Independent(
        tfd.ContinuousBernoulli(logits=logits), reinterpreted_batch_ndims=3
    )
    return -likelihood.log_prob(x)


@keras.saving.register_keras_serializable(package="course")
class VAE(LossModel):
    """Variational autoencoder on images in [0, 1]; ``beta > 1`` gives a beta-VAE.

    Args:
        input_shape: image shape (height, width, channels).
        latent_dim: number of latent units (>= 1; 2 allows `latent_grid`).
        beta: weight of the KL term (>= 0; 1 is the plain ELBO).
        kind, hidden_units, filters, activation: the encoder/decoder networks (see
            `course.generative.autoencoders.Autoencoder`).
        seed: seed of the reparameterization noise.
    Batches may be ``x`` or ``(x, y)``; the labels are ignored (used by `ConditionalVAE`).
    """

    loss_names = ("loss", "reconstruction_loss", "kl_loss", "elbo")
    condition_dim = 0

    def __init__(
        self,
        input_shape,
        latent_dim=2,
        beta=1.0,
        kind="dense",
        hidden_units=(128, 64),
        filters=(16, 32),
        activation="relu",
        seed=None,
        **kwargs,
    ):
        shape, latent_dim, kind, hidden_units, filters = _coders.check_common(
            input_shape, latent_dim, kind, hidden_units, filters
        )
        check_number("beta", beta, 0)
        check_seed(seed)
        super().__init__(**kwargs)
        self.image_shape, self.latent_dim, self.beta, self.kind = (
            shape,
            latent_dim,
            float(beta),
            kind,
        )
        self.hidden_units, self.filters, self.activation, self.seed = (
            hidden_units,
            filters,
            activation,
            seed,
        )
        self.seed_generator = keras.random.SeedGenerator(seed)
        cond = self.condition_dim
        self.encoder = _coders.encoder(
            shape, 2 * latent_dim, kind, hidden_units, filters, activation, condition_dim=cond
        )
        self.decoder = _coders.decoder(
            latent_dim + cond,
            shape,
            kind,
            hidden_units,
            filters,
            activation,
            output_activation=None,
        )

    def condition(self, y):
        """The decoder's and encoder's extra input for labels `y` (none for a plain VAE)."""
        return None

    def encode(self, x, y=None, training=False):
        """Mean and log-variance of q(z | x), each (batch, latent_dim)."""
        x = ops.convert_to_tensor(x, "float32")
        c = self.condition(y)
        stats = self.encoder(x if c is None else [x, c], training=training)
        return stats[:, : self.latent_dim], stats[:, self.latent_dim :]

    def reparameterize(self, mean, log_var):
        """z = mu + sigma * eps with eps ~ N(0, I): a sample of q(z|x) differentiable in mu,
        sigma."""
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps

    def decode_logits(self, z, y=None, training=False):
        """Continuous-Bernoulli logits of p(x | z)."""
        c = self.condition(y)
        z = ops.convert_to_tensor(z, "float32")
        return self.decoder(z if c is None else ops.concatenate([z, c], axis=-1), training=training)

    def decode(self, z, y=None):
        """Images (lambda = sigmoid(logits), in [0, 1]) decoded from latent codes `z`."""
        return ops.sigmoid(self.decode_logits(z, y))

    def call(self, inputs, training=False):
        """Reconstruction: decode a posterior sample when training, the posterior mean otherwise."""
        x, y = self.split_inputs(inputs)
        mean, log_var = self.encode(x, y, training)
        z = self.reparameterize(mean, log_var) if training else mean
        return ops.sigmoid(self.decode_logits(z, y, training))

    def split_inputs(self, inputs):
        """(x, y) from the inputs of `call`; a plain VAE takes images only."""
        return inputs, None

    def compute_losses(self, x, y=None, training=False):
        if tf.executing_eagerly():  # a concrete batch: check it (inside a traced step it is data)
            check_pixels("x", x)
        x = ops.convert_to_tensor(x, "float32")
        mean, log_var = self.encode(x, y, training)
        z = self.reparameterize(mean, log_var)
        reconstruction = ops.mean(continuous_bernoulli_nll(x, self.decode_logits(z, y, training)))
        kl = ops.mean(gaussian_kl(mean, log_var))
        return {
            "loss": reconstruction + self.beta * kl,
            "reconstruction_loss": reconstruction,
            "kl_loss": kl,
            "elbo": -(reconstruction + kl),
        }

    def generate(self, n, labels=None, seed=None):
        """`n` new images: z ~ N(0, I) (the prior), decoded to pixel probabilities in [0, 1].

        Same signature as the GANs' ``generate``, so `course.generative.metrics` callbacks work.
        """
        check_number("n", n, 1, integer=True)
        z = keras.random.normal((n, self.latent_dim), seed=seed)
        return ops.convert_to_numpy(self.decode(z, labels))

    def interpolate(self, x_a, x_b, steps=8, y=None):
        """Decode `steps` points on the line between the posterior means of two images."""
        check_number("steps", steps, 2, integer=True)
        both = np.stack([np.asarray(x_a, "float32"), np.asarray(x_b, "float32")])
        labels = None if y is None else np.repeat(y, 2)
        mean, _ = self.encode(both, labels)
        mean = ops.convert_to_numpy(mean)
        t = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
        path = (1 - t) * mean[0] + t * mean[1]
        return ops.convert_to_numpy(self.decode(path, None if y is None else np.repeat(y, steps)))

    def latent_grid(self, n=10, quantile=0.95, y=None):
        """For ``latent_dim == 2``: decode an n x n grid of latent points at the prior's quantiles.

        Returns (grid_images, z): images in row-major order (z2 decreasing down the rows, z1
        increasing along them, as on a map), and the (n*n, 2) latent points.
        """
        if self.latent_dim != 2:
            raise ValueError(f"latent_grid needs latent_dim == 2, the model has {self.latent_dim}")
        check_number("n", n, 2, integer=True)
        check_number("quantile", quantile, 0.5, 1, low_open=True, high_open=True)
        from scipy.stats import norm

        values = norm.ppf(np.linspace(1 - quantile, quantile, n)).astype("float32")
        z1, z2 = np.meshgrid(values, values[::-1])
        z = np.stack([z1.ravel(), z2.ravel()], axis=-1)
        labels = None if y is None else np.full(len(z), y)
        return ops.convert_to_numpy(self.decode(z, labels)), z

    def get_config(self):
        config = super().get_config()
        config.update(
            input_shape=self.image_shape,
            latent_dim=self.latent_dim,
            beta=self.beta,
            kind=self.kind,
            hidden_units=self.hidden_units,
            filters=self.filters,
            activation=self.activation,
            seed=self.seed,
        )
        return config


@keras.saving.register_keras_serializable(package="course")
class ConditionalVAE(VAE):
    """VAE whose encoder and decoder also see the one-hot class, so `generate(n, labels)` draws
    digits of the requested class. Batches are ``(x, y)`` with integer labels; `call` takes ``(x,
    y)``.
    """

    def __init__(self, input_shape, num_classes, latent_dim=2, **kwargs):
        check_number("num_classes", num_classes, 2, integer=True)
        self.num_classes = int(num_classes)
        super().__init__(input_shape, latent_dim, **kwargs)

    @property
    def condition_dim(self):
        return self.num_classes

    def condition(self, y):
        if y is None:
            raise ValueError("ConditionalVAE needs labels y (integer classes); got None")
        return ops.one_hot(class_indices("y", y, self.num_classes), self.num_classes)

    def split_inputs(self, inputs):
        if not isinstance(inputs, (tuple, list)) or len(inputs) != 2:
            raise ValueError("ConditionalVAE.call takes (images, labels)")
        return inputs[0], inputs[1]

    def generate(self, n, labels=None, seed=None):
        """`n` images of class `labels` (an int, or one label per image)."""
        requested = np.broadcast_to(np.asarray(labels if labels is not None else -1), (n,))
        if labels is None or requested.min() < 0 or requested.max() >= self.num_classes:
            raise ValueError(
                f"labels must be classes in [0, {self.num_classes - 1}], got {labels!r}"
            )
        return super().generate(n, requested, seed)

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes)
        return config
