"""The autoencoder family of Session 7 section 5.1: plain, denoising, sparse and contractive.

All share one encoder -> code -> decoder pair and the mean squared reconstruction error (the loss
of section 5.3); the variants add a corruption of the input or a penalty on the code. With
``hidden_units=()``, ``output_activation=None`` and a linear code, `Autoencoder` is a linear
autoencoder, which at best matches PCA (see `course.generative.pca_comparison`).
"""

import keras
import tensorflow as tf
from keras import ops

from course.generative import _coders
from course.generative._steps import LossModel
from course.validation import check_number, check_seed


@keras.saving.register_keras_serializable(package="course")
class Autoencoder(LossModel):
    """Encoder -> `latent_dim`-dimensional code -> decoder, trained on mean squared error.

    Args:
        input_shape: image shape (height, width, channels).
        latent_dim: size of the code (>= 1).
        kind: ``"dense"`` (flattened image, `hidden_units`) or ``"conv"`` (strided convs with
            `filters`, then `hidden_units`).
        activation: hidden-layer activation; `code_activation` and `output_activation` apply to
            the code and the reconstruction (``"sigmoid"`` suits images in [0, 1]).
    """

    loss_names = ("loss", "reconstruction_loss")

    def __init__(
        self,
        input_shape,
        latent_dim,
        kind="dense",
        hidden_units=(64,),
        filters=(16, 32),
        activation="relu",
        code_activation=None,
        output_activation="sigmoid",
        **kwargs,
    ):
        shape, latent_dim, kind, hidden_units, filters = _coders.check_common(
            input_shape, latent_dim, kind, hidden_units, filters
        )
        super().__init__(**kwargs)
        self.image_shape, self.latent_dim, self.kind = shape, latent_dim, kind
        self.hidden_units, self.filters, self.activation = hidden_units, filters, activation
        self.code_activation, self.output_activation = code_activation, output_activation
        self.encoder = _coders.encoder(shape, latent_dim, kind, hidden_units, filters, activation)
        self.code_layer = keras.layers.Activation(code_activation or "linear", name="code")
        self.decoder = _coders.decoder(
            latent_dim, shape, kind, hidden_units, filters, activation, output_activation
        )

    def encode(self, x, training=False):
        """The code of each image, shape (batch, latent_dim)."""
        return self.code_layer(self.encoder(x, training=training))

    def decode(self, code, training=False):
        """Images reconstructed from codes."""
        return self.decoder(code, training=training)

    def call(self, inputs, training=False):
        return self.decode(self.encode(inputs, training), training)

    def penalty(self, x, training):
        """Extra loss on the code (zero here); returns (code, penalty)."""
        return self.encode(x, training), ops.zeros(())

    def corrupt(self, x):
        """The encoder's input during training (the clean image here)."""
        return x

    def compute_losses(self, x, y=None, training=False):
        x = ops.convert_to_tensor(x, "float32")
        code, penalty = self.penalty(self.corrupt(x), training)
        reconstruction = ops.mean(ops.square(x - self.decode(code, training)))
        values = {"loss": reconstruction + penalty, "reconstruction_loss": reconstruction}
        if "penalty" in self.loss_names:
            values["penalty"] = penalty
        return values

    def get_config(self):
        config = super().get_config()
        config.update(
            input_shape=self.image_shape,
            latent_dim=self.latent_dim,
            kind=self.kind,
            hidden_units=self.hidden_units,
            filters=self.filters,
            activation=self.activation,
            code_activation=self.code_activation,
            output_activation=self.output_activation,
        )
        return config


@keras.saving.register_keras_serializable(package="course")
class DenoisingAutoencoder(Autoencoder):
    """Reconstructs the clean image from a copy with Gaussian noise of `noise_stddev` added.

    The noise is applied in `train_step` and `test_step` (so validation loss measures denoising);
    `call` does not add noise: pass it a noisy image to denoise it.
    """

    def __init__(
        self, input_shape, latent_dim, noise_stddev=0.3, clip=(0.0, 1.0), seed=None, **kwargs
    ):
        check_number("noise_stddev", noise_stddev, 0)
        if clip is not None:
            if len(clip) != 2:
                raise ValueError(f"clip must be None or (low, high) with low < high, got {clip!r}")
            check_number("clip[1]", clip[1], check_number("clip[0]", clip[0]), low_open=True)
        check_seed(seed)
        super().__init__(input_shape, latent_dim, **kwargs)
        self.noise_stddev = float(noise_stddev)
        self.clip = None if clip is None else (float(clip[0]), float(clip[1]))
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def corrupt(self, x):
        """x plus N(0, noise_stddev^2) noise, clipped to `clip`."""
        noisy = x + self.noise_stddev * keras.random.normal(ops.shape(x), seed=self.seed_generator)
        return noisy if self.clip is None else ops.clip(noisy, *self.clip)

    def get_config(self):
        config = super().get_config()
        config.update(noise_stddev=self.noise_stddev, clip=self.clip, seed=self.seed)
        return config


@keras.saving.register_keras_serializable(package="course")
class SparseAutoencoder(Autoencoder):
    """Adds an L1 activity penalty ``l1 * mean_batch(sum_j |code_j|)`` so few code units fire.

    The code defaults to ReLU, so the penalty drives units to exactly zero.
    """

    loss_names = ("loss", "reconstruction_loss", "penalty")

    def __init__(self, input_shape, latent_dim, l1=1e-3, code_activation="relu", **kwargs):
        check_number("l1", l1, 0)
        super().__init__(input_shape, latent_dim, code_activation=code_activation, **kwargs)
        self.l1 = float(l1)

    def penalty(self, x, training):
        code = self.encode(x, training)
        return code, self.l1 * ops.mean(ops.sum(ops.abs(code), axis=-1))

    def get_config(self):
        config = super().get_config()
        config.update(l1=self.l1)
        return config


@keras.saving.register_keras_serializable(package="course")
class ContractiveAutoencoder(Autoencoder):
    """Adds ``weight * mean_batch(||d code / d x||_F^2)``, the squared Frobenius norm of the
    encoder's Jacobian, taken per example with `tf.GradientTape.batch_jacobian`.

    A small Jacobian makes the code insensitive to small moves of the input off the data.
    """

    loss_names = ("loss", "reconstruction_loss", "penalty")

    def __init__(
        self, input_shape, latent_dim, contractive_weight=1e-3, code_activation="sigmoid", **kwargs
    ):
        check_number("contractive_weight", contractive_weight, 0)
        super().__init__(input_shape, latent_dim, code_activation=code_activation, **kwargs)
        self.contractive_weight = float(contractive_weight)

    def penalty(self, x, training):
        norms, code = code_jacobian_norm(self, x, training)
        return code, self.contractive_weight * ops.mean(norms)

    def get_config(self):
        config = super().get_config()
        config.update(contractive_weight=self.contractive_weight)
        return config


def code_jacobian_norm(model, x, training=False):
    """Per-example squared Frobenius norm ||d code / d x||_F^2 of any autoencoder's encoder
    (via `tf.GradientTape.batch_jacobian`), and the codes, as (norms, code)."""
    x = tf.convert_to_tensor(x, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        code = model.encode(x, training)
    jacobian = tape.batch_jacobian(code, x)  # (batch, latent_dim, *input_shape)
    norms = tf.reduce_sum(tf.square(tf.reshape(jacobian, (tf.shape(x)[0], -1))), axis=-1)
    return norms, code
