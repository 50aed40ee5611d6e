"""The contract every autoencoder-family model keeps: its own train step lowers the loss inside
a tf.function, returns exactly its trackers' names, and `evaluate`/`predict`/`.keras` work."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course.generative.autoencoders import (
    Autoencoder,
    ContractiveAutoencoder,
    DenoisingAutoencoder,
    SparseAutoencoder,
)
from course.generative.vae import VAE, ConditionalVAE
from course.generative.vqvae import VQVAE
from tests.helpers import train_steps

SHAPE = (8, 8, 1)
MODELS = {  # name: (factory, takes (images, labels) in call)
    "ae_dense": (lambda: Autoencoder(SHAPE, 4), False),
    "ae_conv": (lambda: Autoencoder(SHAPE, 4, kind="conv"), False),
    "denoising": (lambda: DenoisingAutoencoder(SHAPE, 4, noise_stddev=0.2, seed=3), False),
    "sparse": (lambda: SparseAutoencoder(SHAPE, 4, l1=1e-2), False),
    "contractive": (lambda: ContractiveAutoencoder(SHAPE, 4, contractive_weight=1e-2), False),
    "vae": (lambda: VAE(SHAPE, 2, seed=0), False),
    "beta_vae_conv": (lambda: VAE(SHAPE, 3, beta=4.0, kind="conv", seed=0), False),
    "conditional_vae": (lambda: ConditionalVAE(SHAPE, num_classes=3, latent_dim=2, seed=0), True),
    "vqvae": (lambda: VQVAE(SHAPE, latent_dim=4, num_embeddings=8), False),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_trains_round_trips_and_predicts(name, binary_batch, tmp_path):
    make, conditional = MODELS[name]
    x, y = binary_batch
    keras.utils.set_random_seed(0)
    model = make()
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = train_steps(model, (tf.constant(x), tf.constant(y)), 15)
    assert list(history[0]) == [m.name for m in model.metrics] == list(model.loss_names)
    assert history[-1]["loss"] < history[0]["loss"]
    assert history[-1]["reconstruction_loss"] < history[0]["reconstruction_loss"]
    inputs = (x, y) if conditional else x
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == set(model.loss_names)
    before = model.predict(inputs, verbose=0)
    assert before.shape == x.shape and 0 <= before.min() and before.max() <= 1
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model) and loaded.get_config() == model.get_config()
    np.testing.assert_allclose(loaded.predict(inputs, verbose=0), before, atol=1e-6)


def test_fit_uses_the_custom_train_step(binary_batch):
    x, y = binary_batch
    model = ConditionalVAE(SHAPE, num_classes=3, latent_dim=2, seed=0)
    model.compile(optimizer="adam")
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0).history
    assert set(history) == set(model.loss_names)


def test_course_trainer_drives_the_custom_steps(binary_batch):
    from course.train import Trainer

    x, y = binary_batch
    keras.utils.set_random_seed(0)
    model = VQVAE(SHAPE, latent_dim=4, num_embeddings=8)
    trainer = Trainer(model, keras.optimizers.Adam(1e-2), verbose=0, steps_per_execution=2)
    history = trainer.fit((x, y), epochs=3, batch_size=16)
    history = getattr(history, "history", history)
    assert set(history) == set(model.loss_names)
    assert history["loss"][-1] < history["loss"][0]
