"""DCGAN-style generator and discriminator builders for small images (digits at 8x8 up to 28x28).

The generator maps noise (and optionally a class label) to images in [-1, 1] (tanh); the
discriminator maps images (and optionally a label) to one real/fake logit, plus class logits
for an AC-GAN. Both are functional models built at once; the discriminator's flattened
penultimate layer is named ``"features"`` (feature matching reads it). Output layers compute in
float32 so losses stay stable under mixed precision.
"""

import keras
from keras import layers

from course.generative._checks import check_image_shape
from course.validation import check_number

FEATURE_LAYER = "features"


def _label_input():
    return keras.Input(shape=(), dtype="int32", name="label")


def build_generator(
    image_shape=(8, 8, 1), latent_dim=32, num_classes=None, width=64, name="generator"
):
    """Noise (batch, latent_dim) [and integer labels] -> images in [-1, 1] of `image_shape`.

    Dense projection to a (H/4, W/4) map, then two stride-2 transposed convolutions with
    BatchNorm and LeakyReLU, then a 3x3 convolution with tanh. A label is embedded and
    concatenated to the noise.
    """
    height, width_px, channels = check_image_shape("image_shape", image_shape, 4)
    check_number("latent_dim", latent_dim, 1, integer=True)
    check_number("width", width, 2, integer=True)
    z = keras.Input(shape=(latent_dim,), name="z")
    inputs, h = [z], z
    if num_classes is not None:
        check_number("num_classes", num_classes, 2, integer=True)
        label = _label_input()
        inputs.append(label)
        h = layers.Concatenate()([z, layers.Embedding(num_classes, 16)(label)])
    h = layers.Dense((height // 4) * (width_px // 4) * 2 * width, use_bias=False)(h)
    h = layers.LeakyReLU(0.2)(layers.BatchNormalization()(h))
    h = layers.Reshape((height // 4, width_px // 4, 2 * width))(h)
    for filters in (width, width // 2):
        h = layers.Conv2DTranspose(filters, 4, strides=2, padding="same", use_bias=False)(h)
        h = layers.LeakyReLU(0.2)(layers.BatchNormalization()(h))
    h = layers.Conv2D(channels, 3, padding="same")(h)
    images = layers.Activation("tanh", dtype="float32", name="image")(h)
    return keras.Model(inputs if len(inputs) > 1 else z, images, name=name)


def build_discriminator(
    image_shape=(8, 8, 1),
    num_classes=None,
    width=64,
    spectral_norm=False,
    auxiliary_classifier=False,
    dropout=0.0,
    name="discriminator",
):
    """Images [and labels] -> a real/fake logit (and class logits with `auxiliary_classifier`).

    Two stride-2 convolutions with LeakyReLU (no BatchNorm, so it also serves as a WGAN-GP
    critic, whose gradient penalty is per example). With `num_classes` and no auxiliary
    classifier the label is embedded as an extra image channel (conditional GAN); with
    ``auxiliary_classifier=True`` the input is the image alone and a second head predicts the
    class (AC-GAN). ``spectral_norm=True`` wraps every convolution and dense layer in
    `keras.layers.SpectralNormalization`.
    """
    height, width_px, channels = check_image_shape("image_shape", image_shape, 4)
    check_number("width", width, 2, integer=True)
    check_number("dropout", dropout, 0, 1, high_open=True)
    if auxiliary_classifier and num_classes is None:
        raise ValueError(
            "auxiliary_classifier=True needs num_classes (the number of classes to predict)"
        )
    wrap = layers.SpectralNormalization if spectral_norm else (lambda layer: layer)
    image = keras.Input(shape=(height, width_px, channels), name="image")
    inputs, h = [image], image
    if num_classes is not None:
        check_number("num_classes", num_classes, 2, integer=True)
    if num_classes is not None and not auxiliary_classifier:
        label = _label_input()
        inputs.append(label)
        plane = layers.Reshape((height, width_px, 1))(
            layers.Embedding(num_classes, height * width_px)(label)
        )
        h = layers.Concatenate()([image, plane])
    for filters in (width // 2, width):
        h = wrap(layers.Conv2D(filters, 3, strides=2, padding="same"))(h)
        h = layers.LeakyReLU(0.2)(h)
        if dropout:
            h = layers.Dropout(dropout)(h)
    features = layers.Flatten(name=FEATURE_LAYER)(h)
    logit = wrap(layers.Dense(1, dtype="float32"))(features)
    outputs = logit
    if auxiliary_classifier:
        outputs = [logit, wrap(layers.Dense(num_classes, dtype="float32"))(features)]
    return keras.Model(inputs if len(inputs) > 1 else image, outputs, name=name)
