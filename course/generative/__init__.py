"""Generative models as subclassed `keras.Model`s: autoencoders, VAEs, GANs and diffusion.

Names load on first access (``course.generative.VAE``), so importing the package stays cheap.
Saved models reload with `course.load_model` (or plain `keras.saving.load_model` after
``import course``) and train on exactly as if never saved: optimizers, step counters and
seed-generator states travel in the `.keras` file.
"""

from course._lazy import lazy_exports

_EXPORTS = {
    "autoencoders": (
        "Autoencoder",
        "ContractiveAutoencoder",
        "DenoisingAutoencoder",
        "SparseAutoencoder",
    ),
    "vae": ("VAE", "ConditionalVAE"),
    "vqvae": ("VQVAE", "VectorQuantizer"),
    "gan": ("GAN", "DCGAN", "ConditionalGAN", "ACGAN", "WGANGP"),
    "diffusion": ("DiffusionModel",),
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
