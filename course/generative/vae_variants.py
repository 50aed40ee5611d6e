"""The four autoencoder variants of session07/04 as named recipes, shared by the notebook and the
benchmark that stores their full-mode figures over several seeds.

`VARIANTS` maps a name to a builder (input shape, seed) -> model; `train` builds and fits one the
way the notebook does (Adam 3e-3, batch 32, every random draw seeded by `seed`). The figures of
``python benchmarks/vae_quality.py`` (`course.generative.vae_quality.quality` of each variant,
once per training seed) are stored in ``data/vae_full_mode_figures.json`` and read back by
`stored_figures`.
"""

import keras

from course import artifacts
from course.generative.vae import VAE, ConditionalVAE
from course.generative.vqvae import VQVAE
from course.validation import check_choice, check_number, check_seed

FIGURES_FILE = "vae_full_mode_figures.json"  # a course.artifacts file
FIGURES_COMMAND = "python benchmarks/vae_quality.py"
LEARNING_RATE = 3e-3
BATCH_SIZE = 32

VARIANTS = {
    "VAE": lambda shape, seed: VAE(shape, latent_dim=2, seed=seed),
    "beta-VAE (beta=4)": lambda shape, seed: VAE(shape, latent_dim=2, beta=4.0, seed=seed),
    "conditional VAE": lambda shape, seed: ConditionalVAE(
        shape, num_classes=10, latent_dim=2, seed=seed
    ),
    "VQ-VAE": lambda shape, seed: VQVAE(shape, latent_dim=8, num_embeddings=32),
}


def build(name, input_shape, seed=0):
    """The untrained variant `name` (a key of `VARIANTS`) for images of `input_shape`; its
    initial weights are drawn under `seed`."""
    check_choice("name", name, VARIANTS)
    check_seed(seed)
    keras.utils.set_random_seed(seed)
    return VARIANTS[name](input_shape, seed)


def fit(model, data, epochs, seed=0):
    """Fit `model` on ``data.x_train``/``data.y_train`` (Adam 3e-3, batch 32) for `epochs`, with
    the shuffling and the sampling noise seeded by `seed`; returns the model."""
    check_number("epochs", epochs, 1, integer=True)
    check_seed(seed)
    keras.utils.set_random_seed(seed)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE))
    model.fit(data.x_train, data.y_train, epochs=epochs, batch_size=BATCH_SIZE, verbose=0)
    return model


def train(name, data, epochs, seed=0):
    """`build` the variant `name` for ``data`` and `fit` it: the notebook's and the benchmark's
    recipe."""
    return fit(build(name, data.input_shape, seed), data, epochs, seed)


def stored_figures(path=None):
    """The full-mode figures written by the benchmark, as a dict (see `FIGURES_COMMAND`).

    Reads the shipped `course.artifacts` file unless `path` names another.
    """
    return artifacts.read_figures(FIGURES_FILE, "VAE", FIGURES_COMMAND, path)
