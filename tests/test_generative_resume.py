"""Training after a `.keras` round trip continues exactly: for every subclassed model in
`course.generative`, one more `fit` step after `course.load_model` gives the same weights,
optimizer state, seed-generator state and logs as the same step of the model never saved."""

import importlib
import inspect
import pkgutil

import keras
import numpy as np
import pytest

import course
import course.generative
from course.generative import gan
from course.generative.resumable import seed_states

X = np.random.default_rng(0).random((4, 8, 8, 1)).astype("float32")
Y = np.array([0, 1, 2, 0], dtype="int32")
SMALL = {"hidden_units": (4,)}
SMALL_GAN = {"latent_dim": 4, "width": 4, "seed": 3}


def _adam():
    return {"optimizer": keras.optimizers.Adam(1e-2)}


def _plain_gan():
    return gan.GAN(
        gan.build_generator(latent_dim=4, width=4),
        gan.build_discriminator(width=4, dropout=0.3),
        latent_dim=4,
        seed=3,
    )


# name -> (factory returning a fresh model, its compile arguments, whether fit needs labels)
FACTORIES = {
    "Autoencoder": (lambda: course.generative.Autoencoder((8, 8, 1), 2, **SMALL), _adam, False),
    "DenoisingAutoencoder": (
        lambda: course.generative.DenoisingAutoencoder((8, 8, 1), 2, seed=1, **SMALL),
        _adam,
        False,
    ),
    "SparseAutoencoder": (
        lambda: course.generative.SparseAutoencoder((8, 8, 1), 2, **SMALL),
        _adam,
        False,
    ),
    "ContractiveAutoencoder": (
        lambda: course.generative.ContractiveAutoencoder((8, 8, 1), 2, **SMALL),
        _adam,
        False,
    ),
    "VAE": (lambda: course.generative.VAE((8, 8, 1), 2, seed=1, **SMALL), _adam, False),
    "ConditionalVAE": (
        lambda: course.generative.ConditionalVAE((8, 8, 1), 3, seed=1, **SMALL),
        _adam,
        True,
    ),
    "VQVAE": (lambda: course.generative.VQVAE((8, 8, 1), 2, 4, filters=(4,)), _adam, False),
    "GAN": (_plain_gan, dict, False),
    "DCGAN": (lambda: course.generative.DCGAN(**SMALL_GAN), dict, False),
    "ConditionalGAN": (
        lambda: course.generative.ConditionalGAN(num_classes=3, **SMALL_GAN),
        dict,
        True,
    ),
    "ACGAN": (lambda: course.generative.ACGAN(num_classes=3, **SMALL_GAN), dict, True),
    "WGANGP": (lambda: course.generative.WGANGP(n_critic=2, **SMALL_GAN), dict, False),
    "DiffusionModel": (
        lambda: course.generative.DiffusionModel(
            timesteps=10, num_classes=3, filters=4, groups=2, seed=1
        ),
        _adam,
        True,
    ),
}


def generative_models():
    """Every registered `keras.Model` subclass defined in a `course.generative` module."""
    found = {}
    for info in pkgutil.walk_packages(course.generative.__path__, prefix="course.generative."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                cls.__module__ == info.name
                and issubclass(cls, keras.Model)
                and keras.saving.get_registered_name(cls) == f"course>{cls.__name__}"
            ):
                found[cls.__name__] = cls
    return found


def test_every_generative_model_class_has_a_resume_case():
    assert sorted(generative_models()) == sorted(FACTORIES)


def _optimizers(model):
    return [
        getattr(model, name)
        for name in ("optimizer", "d_optimizer", "g_optimizer")
        if getattr(model, name, None) is not None
    ]


def _state(model):
    """Everything the next step depends on, as numpy arrays."""
    return {
        "weights": [np.asarray(w) for w in model.get_weights()],
        "optimizers": [np.asarray(v) for opt in _optimizers(model) for v in opt.variables],
        "seeds": [np.asarray(s) for s in seed_states(model)],
    }


def _step(model, labelled):
    history = model.fit(
        X, Y if labelled else None, batch_size=len(X), epochs=1, verbose=0, shuffle=False
    )
    return {name: values[-1] for name, values in history.history.items()}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_one_more_step_after_reload_equals_the_uninterrupted_step(name, tmp_path):
    factory, compile_kwargs, labelled = FACTORIES[name]
    keras.utils.set_random_seed(0)
    model = factory()
    model.compile(
        **compile_kwargs(), run_eagerly=True
    )  # eager: tracing would dominate 2 tiny steps
    _step(model, labelled)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    reloaded = course.load_model(path)
    reloaded.run_eagerly = True
    assert type(reloaded) is type(model)
    before = _state(model)
    after_load = _state(reloaded)
    iterations = [int(opt.iterations) for opt in _optimizers(model)]
    assert (
        min(iterations) >= 1
        and [int(opt.iterations) for opt in _optimizers(reloaded)] == iterations
    )
    for key in before:
        assert len(after_load[key]) == len(before[key]), key
        for saved, restored in zip(before[key], after_load[key]):
            np.testing.assert_array_equal(restored, saved, err_msg=key)
    assert _step(reloaded, labelled) == _step(model, labelled)
    for key, values in _state(model).items():
        for expected, got in zip(values, _state(reloaded)[key]):
            np.testing.assert_array_equal(got, expected, err_msg=key)
