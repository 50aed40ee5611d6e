"""A small U-Net that predicts the noise eps in x_t: sinusoidal time embedding, class embedding
(with a null class for classifier-free guidance), residual blocks with GroupNorm, two resolutions.

Sized for 8x8 digits: 8x8 -> 4x4 -> 8x8 with skip connections; the time and class embeddings are
added to every residual block, so one network denoises at every noise level and for every class.
"""

import math

import keras
from keras import layers, ops

from course.layers.groupnorm import GroupNorm
from course.validation import check_number


@keras.saving.register_keras_serializable(package="course")
class SinusoidalEmbedding(layers.Layer):
    """Transformer-style features of an integer timestep t: [sin(t w_k), cos(t w_k)], with
    frequencies w_k = max_period^(-k / (dim/2)) from 1 down to 1 / max_period (no weights)."""

    def __init__(self, dim, max_period=10000.0, **kwargs):
        check_number("dim", dim, 2, integer=True)
        if dim % 2:
            raise ValueError(f"dim must be even, got {dim}")
        check_number("max_period", max_period, 1, low_open=True)
        super().__init__(**kwargs)
        self.dim, self.max_period = int(dim), float(max_period)

    def call(self, t):
        half = self.dim // 2
        freqs = ops.exp(-math.log(self.max_period) * ops.arange(half, dtype="float32") / half)
        angles = ops.cast(ops.reshape(t, (-1, 1)), "float32") * freqs[None, :]
        return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.dim)

    def get_config(self):
        config = super().get_config()
        config.update(dim=self.dim, max_period=self.max_period)
        return config


@keras.saving.register_keras_serializable(package="course")
class TimeResidualBlock(layers.Layer):
    """GroupNorm -> swish -> conv, plus a projection of the embedding, GroupNorm -> swish -> conv,
    added to the (1x1-projected when the width changes) input. Called on ``[x, embedding]``."""

    def __init__(self, filters, groups=8, **kwargs):
        check_number("filters", filters, 1, integer=True)
        check_number("groups", groups, 1, integer=True)
        if filters % groups:
            raise ValueError(f"groups={groups} must divide filters={filters}")
        super().__init__(**kwargs)
        self.filters, self.groups = int(filters), int(groups)
        self.norm1 = GroupNorm(groups, name="norm1")
        self.conv1 = layers.Conv2D(filters, 3, padding="same", name="conv1")
        self.project_embedding = layers.Dense(filters, name="embedding")
        self.norm2 = GroupNorm(groups, name="norm2")
        self.conv2 = layers.Conv2D(filters, 3, padding="same", name="conv2")
        self.skip = None

    def build(self, input_shape):
        x_shape, e_shape = input_shape
        in_channels = x_shape[-1]
        if in_channels % self.groups:
            raise ValueError(f"groups={self.groups} must divide the input channels ({in_channels})")
        self.norm1.build(x_shape)
        self.conv1.build(x_shape)
        out_shape = (*x_shape[:-1], self.filters)
        self.project_embedding.build(e_shape)
        self.norm2.build(out_shape)
        self.conv2.build(out_shape)
        if in_channels != self.filters:
            self.skip = layers.Conv2D(self.filters, 1, name="skip")
            self.skip.build(x_shape)

    def call(self, inputs):
        x, embedding = inputs
        h = self.conv1(ops.silu(self.norm1(x)))
        h = h + self.project_embedding(ops.silu(embedding))[:, None, None, :]
        h = self.conv2(ops.silu(self.norm2(h)))
        return h + (x if self.skip is None else self.skip(x))

    def compute_output_shape(self, input_shape):
        return (*input_shape[0][:-1], self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, groups=self.groups)
        return config


def build_unet(image_shape=(8, 8, 1), num_classes=0, filters=32, groups=8, name="unet"):
    """Functional U-Net ``[x_t, t, label] -> eps_hat``; labels run 0..num_classes, where
    ``num_classes`` itself is the null ("no label") class of classifier-free guidance.

    Levels: `filters` channels at full resolution, 2 * `filters` at half resolution (the image
    side must be even). Unconditional models use ``num_classes=0`` (only the null class).
    """
    check_number("filters", filters, 1, integer=True)
    check_number("num_classes", num_classes, 0, integer=True)
    height, width, channels = image_shape
    if height % 2 or width % 2:
        raise ValueError(f"image_shape must have even height and width, got {image_shape}")
    embed_dim = 4 * filters
    x_in = keras.Input(image_shape, name="x_t")
    t_in = keras.Input((), dtype="int32", name="t")
    y_in = keras.Input((), dtype="int32", name="label")
    emb = SinusoidalEmbedding(filters, name="time_features")(t_in)
    emb = layers.Dense(embed_dim, activation="silu", name="time_mlp1")(emb)
    emb = layers.Dense(embed_dim, name="time_mlp2")(emb)
    emb = layers.Add(name="time_plus_class")(
        [emb, layers.Embedding(num_classes + 1, embed_dim, name="class_embedding")(y_in)]
    )

    h0 = layers.Conv2D(filters, 3, padding="same", name="stem")(x_in)
    h1 = TimeResidualBlock(filters, groups, name="down1")([h0, emb])
    h = layers.Conv2D(filters, 3, strides=2, padding="same", name="downsample")(h1)
    h2 = TimeResidualBlock(2 * filters, groups, name="down2")([h, emb])
    h = TimeResidualBlock(2 * filters, groups, name="middle")([h2, emb])
    h = TimeResidualBlock(2 * filters, groups, name="up2")(
        [layers.Concatenate(name="skip2")([h, h2]), emb]
    )
    h = layers.UpSampling2D(2, name="upsample")(h)
    h = layers.Conv2D(filters, 3, padding="same", name="upsample_conv")(h)
    h = TimeResidualBlock(filters, groups, name="up1")(
        [layers.Concatenate(name="skip1")([h, h1]), emb]
    )
    h = layers.Activation("silu", name="out_act")(GroupNorm(groups, name="out_norm")(h))
    eps = layers.Conv2D(channels, 3, padding="same", kernel_initializer="zeros", name="eps")(h)
    return keras.Model([x_in, t_in, y_in], eps, name=name)
