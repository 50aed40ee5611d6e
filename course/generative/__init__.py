"""Generative models as subclassed `keras.Model`s: autoencoders, VAEs, GANs and diffusion.

Names load on first access (``course.generative.VAE``), so importing the package stays cheap.
Load saved models with `course.load_model`, which registers every class first.
"""
import importlib

_EXPORTS = {
    "autoencoders": ("Autoencoder", "ContractiveAutoencoder", "DenoisingAutoencoder", "SparseAutoencoder"),
    "vae": ("VAE", "ConditionalVAE"),
    "vqvae": ("VQVAE", "VectorQuantizer"),
    "gan": ("GAN", "DCGAN", "ConditionalGAN", "ACGAN", "WGANGP"),
    "diffusion": ("DiffusionModel",),
}
_OWNER = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_OWNER)


def __getattr__(name):
    if name in _OWNER:
        value = getattr(importlib.import_module(f"course.generative.{_OWNER[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'course.generative' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
