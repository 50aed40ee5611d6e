"""`DCGAN`: a `GAN` whose generator and discriminator are the course's DCGAN-style networks.

The convolutional family (DCGAN, conditional GAN, AC-GAN, WGAN-GP) shares `ConvGAN`, which
builds both networks from a few architecture arguments (unless given) and stores those
arguments in its config.
"""

import keras

from course.generative._checks import check_image_shape
from course.generative.gan.base import GAN
from course.generative.gan.networks import build_discriminator, build_generator
from course.validation import check_number, check_seed


class ConvGAN(GAN):
    """Base of the convolutional GANs: builds `build_generator`/`build_discriminator` networks.

    `image_shape` is (H, W, C) with H and W divisible by 4; `width` scales both networks;
    `spectral_norm` and `dropout` apply to the discriminator. Pass `generator`/`discriminator`
    to use other networks with the same inputs and outputs.
    """

    auxiliary_classifier = False

    def __init__(
        self,
        image_shape=(8, 8, 1),
        latent_dim=32,
        num_classes=None,
        width=64,
        spectral_norm=False,
        dropout=0.0,
        feature_matching=False,
        generator=None,
        discriminator=None,
        seed=None,
        **kwargs,
    ):
        image_shape = check_image_shape("image_shape", image_shape, 4)
        check_number("latent_dim", latent_dim, 1, integer=True)
        check_number("width", width, 2, integer=True)
        check_number("dropout", dropout, 0, 1, high_open=True)
        check_seed(seed)
        if self.conditional:
            check_number("num_classes", num_classes, 2, integer=True)
        elif num_classes is not None:
            raise ValueError(
                f"{type(self).__name__} is unconditional: num_classes must be None, got "
                f"{num_classes!r}"
            )
        if generator is None:
            generator = build_generator(image_shape, latent_dim, num_classes, width)
        if discriminator is None:
            discriminator = build_discriminator(
                image_shape, num_classes, width, spectral_norm, self.auxiliary_classifier, dropout
            )
        super().__init__(generator, discriminator, latent_dim, feature_matching, seed, **kwargs)
        self.image_shape, self.num_classes, self.width = image_shape, num_classes, width
        self.spectral_norm, self.dropout = bool(spectral_norm), dropout

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=self.image_shape,
            num_classes=self.num_classes,
            width=self.width,
            spectral_norm=self.spectral_norm,
            dropout=self.dropout,
        )
        return config


@keras.saving.register_keras_serializable(package="course")
class DCGAN(ConvGAN):
    """Deep convolutional GAN (Radford et al., 2015) on small images, non-saturating losses.

    ``DCGAN(image_shape=(8, 8, 1), latent_dim=32)`` then ``compile()`` and ``fit(x)`` with
    images in [0, 1]. Stabilizers: ``spectral_norm=True``, ``feature_matching=True``,
    ``compile(**two_time_scale())``, ``compile(label_smoothing=0.1)``.
    """
