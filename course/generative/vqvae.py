"""VQ-VAE (van den Oord et al., 2017): discrete latents from a learned codebook.

A conv encoder maps an image to a grid of `latent_dim`-vectors z_e; `VectorQuantizer` replaces
each by its nearest codebook entry z_q. argmin has no gradient, so the decoder sees
z_e + stop_gradient(z_q - z_e) (the straight-through estimator: forward value z_q, gradient
copied to z_e). The loss is
    reconstruction + ||sg(z_e) - z_q||^2 (moves the codebook)
        + commitment_cost * ||z_e - sg(z_q)||^2
and codebook usage and perplexity (exp of the entropy of code frequencies) show how many codes
the model really uses. The codebook is an `add_weight` variable: a raw `tf.Variable` would not be
tracked, so it would get no gradient and silently stop training.
"""

import keras
from keras import layers, ops

from course.generative import _coders
from course.generative._steps import LossModel
from course.validation import check_number


@keras.saving.register_keras_serializable(package="course")
class VectorQuantizer(keras.layers.Layer):
    """Maps each vector on the last axis to its nearest of `num_embeddings` codebook rows.

    `call` returns ``(quantized, indices)``; ``quantized`` is the plain lookup (no
    straight-through), so losses on it reach the codebook.
    """

    def __init__(self, num_embeddings, embedding_dim, **kwargs):
        check_number("num_embeddings", num_embeddings, 2, integer=True)
        check_number("embedding_dim", embedding_dim, 1, integer=True)
        super().__init__(**kwargs)
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)

    def build(self, input_shape):
        limit = 1.0 / self.num_embeddings
        self.codebook = self.add_weight(
            shape=(self.num_embeddings, self.embedding_dim),
            name="codebook",
            initializer=keras.initializers.RandomUniform(-limit, limit),
            trainable=True,
        )

    def nearest(self, inputs):
        """Index of the nearest codebook row (squared Euclidean distance) for every vector."""
        flat = ops.reshape(inputs, (-1, self.embedding_dim))
        distances = (
            ops.sum(ops.square(flat), axis=1, keepdims=True)
            - 2.0 * ops.matmul(flat, ops.transpose(self.codebook))
            + ops.sum(ops.square(self.codebook), axis=1)[None, :]
        )
        return ops.reshape(ops.argmin(distances, axis=1), ops.shape(inputs)[:-1])

    def lookup(self, indices):
        """Codebook vectors for an integer array of indices (shape + (embedding_dim,))."""
        return ops.take(self.codebook, ops.cast(indices, "int32"), axis=0)

    def call(self, inputs):
        indices = self.nearest(inputs)
        return self.lookup(indices), indices

    def compute_output_spec(self, inputs):
        return (
            keras.KerasTensor(inputs.shape, dtype=self.compute_dtype),
            keras.KerasTensor(inputs.shape[:-1], dtype="int32"),
        )

    def get_config(self):
        config = super().get_config()
        config.update(num_embeddings=self.num_embeddings, embedding_dim=self.embedding_dim)
        return config


def code_statistics(indices, num_embeddings):
    """(perplexity, usage) of a batch of code indices: exp(entropy of code frequencies), and the
    fraction of the codebook used at least once."""
    counts = ops.mean(ops.one_hot(ops.reshape(indices, (-1,)), num_embeddings), axis=0)
    perplexity = ops.exp(-ops.sum(counts * ops.log(counts + 1e-10)))
    usage = ops.mean(ops.cast(counts > 0, "float32"))
    return perplexity, usage


@keras.saving.register_keras_serializable(package="course")
class VQVAE(LossModel):
    """VQ-VAE on images in [0, 1] with a conv encoder/decoder.

    Args:
        input_shape: image shape (height, width, channels), divisible by 2**len(filters).
        latent_dim: size of each code vector (>= 1).
        num_embeddings: codebook size K (>= 2).
        commitment_cost: weight of the commitment loss (>= 0; 0.25 in the paper).
        filters: conv widths; each halves the resolution, so an 8x8 image with one entry
            becomes a 4x4 grid of codes.
    """

    loss_names = (
        "loss",
        "reconstruction_loss",
        "codebook_loss",
        "commitment_loss",
        "perplexity",
        "codebook_usage",
    )

    def __init__(
        self,
        input_shape,
        latent_dim,
        num_embeddings,
        commitment_cost=0.25,
        filters=(32,),
        activation="relu",
        **kwargs,
    ):
        shape, latent_dim, _, _, filters = _coders.check_common(
            input_shape, latent_dim, "conv", (), filters
        )
        check_number("num_embeddings", num_embeddings, 2, integer=True)
        check_number("commitment_cost", commitment_cost, 0)
        super().__init__(**kwargs)
        self.image_shape, self.latent_dim, self.num_embeddings = (
            shape,
            latent_dim,
            int(num_embeddings),
        )
        self.commitment_cost, self.filters, self.activation = (
            float(commitment_cost),
            filters,
            activation,
        )
        self.encoder = self._encoder()
        grid = tuple(self.encoder.output.shape[1:3])
        self.quantizer = VectorQuantizer(self.num_embeddings, latent_dim, name="quantizer")
        self.quantizer.build((None, *grid, latent_dim))
        self.decoder = self._decoder(grid)

    def _encoder(self):
        features = _coders.feature_network(
            self.image_shape,
            "conv",
            (),
            self.filters,
            self.activation,
            "encoder_features",
            flatten=False,
        )
        code = layers.Conv2D(self.latent_dim, 1, name="pre_quantization")(features.output)
        return keras.Model(features.input, code, name="encoder")

    def _decoder(self, grid):
        inputs = keras.Input((*grid, self.latent_dim))
        h = inputs
        for f in reversed(self.filters):
            h = layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation=self.activation)(
                h
            )
        outputs = layers.Conv2D(self.image_shape[-1], 3, padding="same", activation="sigmoid")(h)
        return keras.Model(inputs, outputs, name="decoder")

    @property
    def codebook(self):
        """The (num_embeddings, latent_dim) codebook variable."""
        return self.quantizer.codebook

    def encode_indices(self, x):
        """The grid of code indices of each image."""
        return self.quantizer.nearest(self.encoder(ops.convert_to_tensor(x, "float32")))

    def decode_indices(self, indices):
        """Images decoded from a grid of code indices."""
        return self.decoder(self.quantizer.lookup(indices))

    def _forward(self, x, training):
        z_e = self.encoder(x, training=training)
        z_q, indices = self.quantizer(z_e)
        straight_through = z_e + ops.stop_gradient(z_q - z_e)
        return self.decoder(straight_through, training=training), z_e, z_q, indices

    def call(self, inputs, training=False):
        return self._forward(inputs, training)[0]

    def compute_losses(self, x, y=None, training=False):
        x = ops.convert_to_tensor(x, "float32")
        reconstruction_image, z_e, z_q, indices = self._forward(x, training)
        reconstruction = ops.mean(ops.square(x - reconstruction_image))
        codebook = ops.mean(ops.square(ops.stop_gradient(z_e) - z_q))
        commitment = ops.mean(ops.square(z_e - ops.stop_gradient(z_q)))
        perplexity, usage = code_statistics(indices, self.num_embeddings)
        return {
            "loss": reconstruction + codebook + self.commitment_cost * commitment,
            "reconstruction_loss": reconstruction,
            "codebook_loss": codebook,
            "commitment_loss": commitment,
            "perplexity": perplexity,
            "codebook_usage": usage,
        }

    def get_config(self):
        config = super().get_config()
        config.update(
            input_shape=self.image_shape,
            latent_dim=self.latent_dim,
            num_embeddings=self.num_embeddings,
            commitment_cost=self.commitment_cost,
            filters=self.filters,
            activation=self.activation,
        )
        return config
