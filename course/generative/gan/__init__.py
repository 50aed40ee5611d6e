"""The GAN family: `GAN` base, `DCGAN`, `ConditionalGAN`, `ACGAN`, `WGANGP`, their networks and
stabilizers."""

from course.generative.gan.base import GAN, two_time_scale
from course.generative.gan.conditional import ACGAN, ConditionalGAN
from course.generative.gan.dcgan import DCGAN, ConvGAN
from course.generative.gan.networks import build_discriminator, build_generator
from course.generative.gan.wgan import WGANGP, gradient_penalty, interpolate

__all__ = [
    "ACGAN",
    "ConditionalGAN",
    "ConvGAN",
    "DCGAN",
    "GAN",
    "WGANGP",
    "build_discriminator",
    "build_generator",
    "gradient_penalty",
    "interpolate",
    "two_time_scale",
]
