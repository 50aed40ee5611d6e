"""Solutions to the exercises of notebooks/session07/05_diffusion.ipynb, each written as a test that
asserts the outcome the exercise asks the student to predict or find."""

import keras
import numpy as np
import pytest

from course.data import load_digits
from course.generative.diffusion import DiffusionModel, NoiseSchedule


def small_model(timesteps=20, seed=0):
    """A small, untrained conditional model: cheap, and enough for exercises about the samplers."""
    keras.utils.set_random_seed(seed)
    model = DiffusionModel(timesteps=timesteps, num_classes=10, filters=8, groups=4, seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    return model


def label_sensitive_model():
    """An untrained model whose zero-initialised output layer is randomised, so eps_hat depends on
    x_t, t and the label, as a trained model's does."""
    model = small_model()
    rng = np.random.default_rng(0)
    for network in (model.network, model.ema_network):
        layer = network.get_layer("eps")
        layer.set_weights(
            [rng.normal(scale=0.3, size=w.shape).astype("float32") for w in layer.get_weights()]
        )
    return model


def test_exercise1_untrained_model_scores_one():
    model = small_model()
    assert all(
        not np.any(w) for w in model.network.get_layer("eps").get_weights()
    )  # zero-initialised
    digits = load_digits(max_samples=1797)
    loss = model.evaluate(digits.x_test, digits.y_test, batch_size=270, verbose=0)
    assert loss == pytest.approx(1.0, abs=0.05)  # E[eps^2] = 1 for eps ~ N(0, I)


def test_exercise2_half_signal_timesteps():
    T, s = 500, 0.008
    found = {
        name: int(np.searchsorted(-NoiseSchedule(name, T).alpha_bars, -0.5))
        for name in ("linear", "cosine")
    }
    f0 = np.cos(s / (1 + s) * np.pi / 2) ** 2
    u = (1 + s) * (2 / np.pi) * np.arccos(np.sqrt(0.5 * f0)) - s  # alpha_bar(u) = 0.5, u = t / T
    # alpha_bars[i] is alpha_bar at t = (i + 1) / T: the first index at or below 0.5
    assert found["cosine"] == int(np.ceil(u * T)) - 1
    assert found["linear"] < found["cosine"]  # the linear schedule destroys signal earlier


def test_exercise3_scale_zero_ignores_the_label():
    model = label_sensitive_model()
    three, seven = (
        model.generate(10, labels=k, seed=3, steps=5, guidance_scale=0.0) for k in (3, 7)
    )
    assert np.array_equal(three, seven)
    three, seven = (
        model.generate(10, labels=k, seed=3, steps=5, guidance_scale=1.0) for k in (3, 7)
    )
    assert not np.allclose(three, seven)


def ddim_sample(predict_eps, alpha_bars, x, timesteps, eta=0.0, rng=None):
    """The notebook's DDIM loop with eta: sigma z is added after each step with sigma > 0."""
    for i, t in enumerate(timesteps):
        ab = alpha_bars[t]
        ab_prev = alpha_bars[timesteps[i + 1]] if i + 1 < len(timesteps) else 1.0
        eps = predict_eps(x, t)
        x0 = np.clip((x - np.sqrt(1 - ab) * eps) / np.sqrt(ab), -1, 1)
        eps = (x - np.sqrt(ab) * x0) / np.sqrt(1 - ab)
        sigma = eta * np.sqrt((1 - ab_prev) / (1 - ab)) * np.sqrt(1 - ab / ab_prev)
        x = np.sqrt(ab_prev) * x0 + np.sqrt(max(1 - ab_prev - sigma**2, 0.0)) * eps
        if sigma > 0:
            x = x + sigma * rng.standard_normal(x.shape)
    return x


def test_exercise4_stochastic_ddim_matches_generate():
    model, labels, steps = label_sensitive_model(), np.arange(10), 5
    timesteps = np.round(np.linspace(model.timesteps - 1, 0, steps)).astype(int)

    def predict_eps(x, t):
        return np.asarray(
            model.ema_network(
                [x.astype("float32"), np.full(len(x), t, "int32"), labels.astype("int32")]
            ),
            "float64",
        )

    rng = np.random.default_rng(4)
    x_T = rng.standard_normal((10, 8, 8, 1))  # the initial noise is the first draw
    ours = np.clip(
        (ddim_sample(predict_eps, model.schedule.alpha_bars, x_T, timesteps, 1.0, rng) + 1) / 2,
        0,
        1,
    )
    theirs = model.generate(10, labels=labels, seed=4, steps=steps, eta=1.0)
    assert np.max(np.abs(ours - theirs)) < 1e-4
    deterministic = model.generate(10, labels=labels, seed=4, steps=steps, eta=0.0)
    assert np.max(np.abs(ours - deterministic)) > 1e-2  # eta matters: the check can fail
