"""Encoder and decoder networks shared by the autoencoder family, the VAEs and the VQ-VAE.

Each builder returns a functional `keras.Model` built at once (so a model's weights exist from
its constructor on, and `.keras` files reload without a sample batch). ``kind="dense"``
flattens the image; ``kind="conv"`` halves the resolution once per entry of `filters`.
"""

import math

import keras
from keras import layers

from course.generative._checks import check_image_shape
from course.validation import check_choice, check_number

KINDS = ("dense", "conv")


def _counts(name, values):
    """A tuple of layer sizes (ints >= 1), possibly empty; a bare number is refused by name."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a tuple of layer sizes such as (64,), got {values!r}")
    return tuple(int(check_number(name, v, 1, integer=True)) for v in values)


def check_common(input_shape, latent_dim, kind, hidden_units, filters):
    """Validate the arguments every coder-based model shares; returns them normalised."""
    input_shape = check_image_shape("input_shape", input_shape)
    check_number("latent_dim", latent_dim, 1, integer=True)
    check_choice("kind", kind, KINDS)
    hidden_units = _counts("hidden_units", hidden_units)
    filters = _counts("filters", filters)
    if kind == "conv":
        if not filters:
            raise ValueError("filters must name at least one conv layer when kind='conv', got ()")
        step = 2 ** len(filters)
        if input_shape[0] % step or input_shape[1] % step:
            raise ValueError(
                f"input_shape {input_shape!r}: height and width must be divisible by "
                f"2**len(filters) = {step} when kind='conv'"
            )
    return input_shape, int(latent_dim), kind, hidden_units, filters


def feature_network(input_shape, kind, hidden_units, filters, activation, name, flatten=True):
    """Image -> hidden features: a dense stack, or strided convs (flattened unless
    ``flatten=False``)."""
    inputs = keras.Input(input_shape)
    h = inputs
    if kind == "conv":
        for f in filters:
            h = layers.Conv2D(f, 3, strides=2, padding="same", activation=activation)(h)
        if flatten:
            h = layers.Flatten()(h)
    else:
        h = layers.Flatten()(h)
    if flatten:
        for units in hidden_units:
            h = layers.Dense(units, activation=activation)(h)
    return keras.Model(inputs, h, name=name)


def encoder(
    input_shape,
    out_units,
    kind="dense",
    hidden_units=(64,),
    filters=(16, 32),
    activation="relu",
    condition_dim=0,
    name="encoder",
):
    """Image -> vector of `out_units` linear outputs (a code, or a VAE's mean and log-variance).

    With ``condition_dim > 0`` the model takes ``[image, condition]`` and concatenates the
    condition (e.g. a one-hot label) to the image features before the output layer.
    """
    features = feature_network(
        input_shape, kind, hidden_units, filters, activation, f"{name}_features"
    )
    inputs, h = features.input, features.output
    if condition_dim:
        condition = keras.Input((condition_dim,), name=f"{name}_condition")
        inputs, h = [inputs, condition], layers.Concatenate()([h, condition])
    outputs = layers.Dense(out_units, name=f"{name}_head")(h)
    return keras.Model(inputs, outputs, name=name)


def decoder(
    input_dim,
    output_shape,
    kind="dense",
    hidden_units=(64,),
    filters=(16, 32),
    activation="relu",
    output_activation=None,
    name="decoder",
):
    """Vector -> image of `output_shape`: mirrors `encoder` (dense stack or transposed convs)."""
    inputs = keras.Input((input_dim,))
    h = inputs
    for units in reversed(hidden_units):
        h = layers.Dense(units, activation=activation)(h)
    height, width, channels = output_shape
    if kind == "conv":
        step = 2 ** len(filters)
        h = layers.Dense((height // step) * (width // step) * filters[-1], activation=activation)(h)
        h = layers.Reshape((height // step, width // step, filters[-1]))(h)
        for f in reversed(filters[:-1]):
            h = layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation=activation)(h)
        h = layers.Conv2DTranspose(
            channels, 3, strides=2, padding="same", activation=output_activation
        )(h)
    else:
        h = layers.Dense(math.prod(output_shape), activation=output_activation)(h)
        h = layers.Reshape(output_shape)(h)
    return keras.Model(inputs, h, name=name)


def unpack(data):
    """Split a batch into (x, y): accepts ``x``, ``(x,)``, ``(x, y)`` or ``(x, y,
    sample_weight)``."""
    if isinstance(data, (tuple, list)):
        return data[0], (data[1] if len(data) > 1 else None)
    return data, None
