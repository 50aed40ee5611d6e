"""Diffusion: schedules, closed-form vs step-by-step noising, samplers (DDPM/DDIM, guidance),
training step, EMA, `.keras` round trip and argument checks."""

import keras
import numpy as np
import pytest

from course.generative.diffusion import (
    DiffusionModel,
    NoiseSchedule,
    SinusoidalEmbedding,
    ddim_step,
    ddpm_step,
    samplers,
    sampling_timesteps,
)
from tests.helpers import image_batch, train_steps

T = 20


def tiny(num_classes=10, **kwargs):
    kwargs = {
        "timesteps": T,
        "num_classes": num_classes,
        "filters": 8,
        "groups": 4,
        "seed": 0,
        **kwargs,
    }
    return DiffusionModel(**kwargs)


@pytest.fixture(scope="module")
def shared_model():
    return tiny()


def randomize(weights, seed=0, scale=0.1):
    rng = np.random.default_rng(seed)
    for w in weights:
        w.assign(
            rng.normal(0, scale, w.shape).astype("float32") + (1.0 if "gamma" in w.path else 0.0)
        )


@pytest.mark.parametrize("name", ["linear", "cosine"])
def test_schedule_alphas_decrease_and_alpha_bar_in_unit_interval(name):
    s = NoiseSchedule(name, 500)
    assert np.all(np.diff(s.alphas) <= 0) and s.alphas[0] > s.alphas[-1]
    assert np.all(np.diff(s.alpha_bars) < 0)
    assert np.all((s.alpha_bars > 0) & (s.alpha_bars < 1))
    assert s.alpha_bars[0] > 0.99 and s.alpha_bars[-1] < 1e-3  # from data to (nearly) pure noise
    np.testing.assert_allclose(s.alpha_bars, np.cumprod(1 - s.betas))
    assert np.all(s.posterior_variance <= s.betas + 1e-12)


def test_linear_schedule_matches_ho_et_al_at_t_1000():
    s = NoiseSchedule("linear", 1000)
    np.testing.assert_allclose(s.betas[[0, -1]], [1e-4, 0.02])


@pytest.mark.parametrize("name,t", [("linear", 0), ("linear", 9), ("cosine", 5), ("cosine", T - 1)])
def test_closed_form_noising_matches_step_by_step_in_distribution(name, t):
    s = NoiseSchedule(name, T)
    n = 40000
    x0 = np.tile(np.array([-1.0, 0.3, 0.9]), (n, 1))
    rng = np.random.default_rng(1)
    iterative = s.noise_step_by_step(x0, t, rng)
    closed = np.asarray(s.q_sample(x0, np.full(n, t), rng.standard_normal(x0.shape)))
    mean = np.sqrt(s.alpha_bars[t]) * x0[0]
    var = 1.0 - s.alpha_bars[t]
    se_mean, se_var = 5 * np.sqrt(var / n), 5 * var * np.sqrt(2.0 / n)
    for sample in (iterative, closed):
        np.testing.assert_allclose(sample.mean(axis=0), mean, atol=se_mean)
        np.testing.assert_allclose(sample.var(axis=0), var, atol=se_var)
    np.testing.assert_allclose(iterative.mean(axis=0), closed.mean(axis=0), atol=1.5 * se_mean)


def test_sampling_timesteps():
    np.testing.assert_array_equal(sampling_timesteps(T, "ddpm"), np.arange(T - 1, -1, -1))
    ddim = sampling_timesteps(T, "ddim", 5)
    assert len(ddim) == 5 and ddim[0] == T - 1 and ddim[-1] == 0 and np.all(np.diff(ddim) < 0)
    np.testing.assert_array_equal(sampling_timesteps(T, "ddim", 1), [T - 1])
    assert len(sampling_timesteps(T, "ddim", T)) == T


def test_ddim_with_eta_1_on_consecutive_steps_is_the_ddpm_step():
    s = NoiseSchedule("cosine", T)
    rng = np.random.default_rng(0)
    x, eps = rng.standard_normal((2, 4, 8, 8, 1)) * 0.5
    for t in (1, 7, T - 1):
        a = ddpm_step(s, x, eps, t, np.random.default_rng(t))
        b = ddim_step(s, x, eps, t, t - 1, 1.0, np.random.default_rng(t))
        np.testing.assert_allclose(a, b, atol=1e-10)


@pytest.mark.parametrize(
    "sampler,steps,atol",
    [("ddpm", None, 1e-4), ("ddim", 4, 1e-4), ("ddim", T, 1e-4), ("ddim", 1, 3e-2)],
)  # one step: float32 x_T / sqrt(ab_T)
def test_samplers_recover_the_data_point_with_the_ideal_denoiser(sampler, steps, atol):
    # Data = a single image x*: the exact noise predictor is
    # eps = (x_t - sqrt(ab) x*) / sqrt(1 - ab).
    s = NoiseSchedule("linear", T)
    target = np.linspace(-0.9, 0.9, 64).reshape(1, 8, 8, 1)

    def oracle(x, t):
        ab = s.alpha_bars[t]
        return (x - np.sqrt(ab) * target) / np.sqrt(1 - ab)

    timesteps = sampling_timesteps(T, sampler, steps)
    x, trajectory = samplers.run(
        s,
        oracle,
        (3, 8, 8, 1),
        timesteps,
        np.random.default_rng(0),
        eta=1.0 if sampler == "ddpm" else 0.0,
        ancestral=sampler == "ddpm",
    )
    assert len(trajectory) == len(timesteps) + 1
    np.testing.assert_allclose(x, np.broadcast_to(target, x.shape), atol=atol)


def test_ddim_eta_0_is_deterministic_and_eta_positive_is_seeded():
    model = tiny()
    randomize(model.ema_network.weights)
    labels = np.arange(6)
    a = model.generate(6, labels=labels, seed=3, steps=4)
    np.testing.assert_array_equal(a, model.generate(6, labels=labels, seed=3, steps=4))
    assert a.shape == (6, 8, 8, 1) and a.min() >= 0 and a.max() <= 1
    assert not np.allclose(a, model.generate(6, labels=labels, seed=4, steps=4))  # x_T differs
    noisy = model.generate(6, labels=labels, seed=3, steps=4, eta=1.0)
    np.testing.assert_array_equal(noisy, model.generate(6, labels=labels, seed=3, steps=4, eta=1.0))
    assert not np.allclose(noisy, a)
    # eta = 0 draws no noise after x_T: the rng is left exactly where x_T left it.
    s, rng = model.schedule, np.random.default_rng(0)
    x = rng.standard_normal((2, 8, 8, 1))
    state = rng.bit_generator.state
    ddim_step(s, x, np.zeros_like(x), 10, 5, 0.0, rng)
    assert rng.bit_generator.state == state


def test_guidance_interpolates_conditional_and_unconditional_noise():
    model = tiny()
    randomize(model.ema_network.weights)
    x = np.random.default_rng(0).standard_normal((4, 8, 8, 1)).astype("float32")
    labels = np.array([1, 2, 3, 4], "int32")
    cond = np.asarray(model.guided_eps(x, 5, labels, 1.0))
    uncond = np.asarray(model.guided_eps(x, 5, None, 1.0))
    assert not np.allclose(cond, uncond)
    np.testing.assert_allclose(np.asarray(model.guided_eps(x, 5, labels, 0.0)), uncond, atol=1e-5)
    np.testing.assert_allclose(
        np.asarray(model.guided_eps(x, 5, labels, 3.0)), uncond + 3.0 * (cond - uncond), atol=1e-4
    )


def test_training_steps_lower_the_loss_on_a_fixed_batch():
    model = tiny()
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    x, y = image_batch()
    rng = np.random.default_rng(0)
    t = rng.integers(0, T, len(x))
    noise = rng.standard_normal(x.shape).astype("float32")
    labels = y.astype("int32")

    def fixed_loss():
        return float(model.denoising_loss(x * 2 - 1, t, noise, labels))

    before = fixed_loss()
    history = train_steps(model, (x, y), 15)
    assert set(history[0]) == {"loss"}
    assert fixed_loss() < 0.9 * before


def test_ema_moves_toward_the_weights():
    model = tiny()
    weights = [np.asarray(w) for w in model.network.weights]
    for w in model.ema_network.weights:
        w.assign(np.zeros(w.shape, "float32"))
    model.update_ema(decay=0.75)
    for ema, w in zip(model.ema_network.weights, weights):
        np.testing.assert_allclose(np.asarray(ema), 0.25 * w, atol=1e-7)
    assert all(not w.trainable for w in model.ema_network.weights)
    assert len(model.trainable_weights) == len(model.network.weights)
    # After a training step the EMA is closer to the new weights than it was.
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    slots = len(model.optimizer.variables)  # compile built them all: the step adds none
    assert model.optimizer.built and slots > 2 * len(model.trainable_variables)
    old_ema = [np.asarray(w) for w in model.ema_network.weights]
    train_steps(model, image_batch(), 1)
    assert len(model.optimizer.variables) == slots
    new = [np.asarray(w) for w in model.network.weights]
    new_ema = [np.asarray(w) for w in model.ema_network.weights]
    dist = lambda a, b: sum(float(np.sum((u - v) ** 2)) for u, v in zip(a, b))  # noqa: E731
    assert dist(new_ema, new) < dist(old_ema, new)
    assert dist(new_ema, old_ema) > 0


def test_keras_round_trip_predict_and_evaluate(tmp_path):
    model = tiny(schedule="linear", label_dropout=0.2)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    x, y = image_batch()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    randomize(model.ema_network.weights, seed=1)
    path = tmp_path / "diffusion.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, DiffusionModel)
    assert loaded.get_config() == model.get_config() and loaded.schedule.name == "linear"
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_allclose(
        loaded.generate(4, labels=3, seed=0, steps=3),
        model.generate(4, labels=3, seed=0, steps=3),
        atol=1e-6,
    )
    inputs = {"x_t": x[:5] * 2 - 1, "t": np.arange(5), "labels": y[:5]}
    np.testing.assert_allclose(
        loaded.predict(inputs, verbose=0), model.predict(inputs, verbose=0), atol=1e-6
    )
    assert np.isfinite(loaded.evaluate(x, y, verbose=0))


def test_unconditional_model_generates_without_labels():
    model = tiny(num_classes=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    assert np.isfinite(train_steps(model, image_batch()[0], 1)[0]["loss"])
    assert model.generate(3, seed=0, sampler="ddpm").shape == (3, 8, 8, 1)
    with pytest.raises(ValueError, match="unconditional"):
        model.generate(3, labels=1)


def test_sinusoidal_embedding():
    emb = np.asarray(SinusoidalEmbedding(8)(np.array([0, 1, 50])))
    np.testing.assert_allclose(emb[0], [0, 0, 0, 0, 1, 1, 1, 1], atol=1e-7)
    np.testing.assert_allclose(emb[1, 0], np.sin(1.0), atol=1e-6)
    assert np.allclose(np.sum(emb[:, :4] ** 2 + emb[:, 4:] ** 2, axis=1), 4)
    with pytest.raises(ValueError, match="dim"):
        SinusoidalEmbedding(7)


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"steps": 0}, "steps"),
        ({"steps": T + 1}, "steps"),
        ({"guidance_scale": -0.5}, "guidance_scale"),
        ({"sampler": "euler"}, "sampler"),
        ({"sampler": "ddpm", "steps": 5}, "steps"),
        ({"eta": -1.0}, "eta"),
        ({"labels": 10}, "labels"),
        ({"n": 0}, "n"),
    ],
)
def test_generate_rejects_bad_arguments(shared_model, kwargs, name):
    model = shared_model
    kwargs = {"n": 2, **kwargs}
    with pytest.raises(ValueError, match=name):
        model.generate(**kwargs)


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"schedule": "quadratic"}, "schedule"),
        ({"timesteps": 1}, "timesteps"),
        ({"label_dropout": 1.0}, "label_dropout"),
        ({"ema_decay": 1.0}, "ema_decay"),
        ({"num_classes": -1}, "num_classes"),
        ({"image_shape": (7, 7, 1)}, "image_shape"),
    ],
)
def test_constructor_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        tiny(**kwargs)


def test_course_trainer_drives_the_train_step_and_the_ema():
    from course.train import Trainer

    model = tiny()
    ema_before = [np.asarray(w) for w in model.ema_network.weights]
    history = Trainer(model, keras.optimizers.Adam(1e-2), verbose=0).fit(
        image_batch(32), epochs=2, batch_size=16
    )
    history = getattr(history, "history", history)
    assert set(history) == {"loss"} and np.all(np.isfinite(history["loss"]))
    assert any(
        not np.allclose(a, np.asarray(b)) for a, b in zip(ema_before, model.ema_network.weights)
    )


def test_label_dropout_replaces_labels_by_the_null_class_at_the_requested_rate():
    labels = np.tile(np.arange(10, dtype="int32"), 2000)
    dropped = np.asarray(tiny(label_dropout=0.25).drop_labels(labels))
    null = dropped == 10
    assert abs(null.mean() - 0.25) < 0.015
    np.testing.assert_array_equal(dropped[~null], labels[~null])
    np.testing.assert_array_equal(np.asarray(tiny(label_dropout=0.0).drop_labels(labels)), labels)


def test_sampler_table_averages_each_sampler_over_the_sampling_seeds(shared_model):
    from course.generative.diffusion import quality

    def table(seeds):
        return quality.sampler_table(shared_model, per_class=2, ddim_steps=(4,), seeds=seeds)

    one, other, both = table([0]), table([1]), table([0, 1])
    assert [(r["sampler"], r["steps"], r["seeds"]) for r in both] == [
        ("ddpm", T, 2),
        ("ddim", 4, 2),
    ]
    for a, b, mean in zip(one, other, both):
        for key in ("fid", "kid", "conditional_accuracy"):
            assert mean[key] == pytest.approx((a[key] + b[key]) / 2)
        for key in ("fid", "kid"):
            assert mean[f"{key}_spread"] == pytest.approx(abs(a[key] - b[key]) / 2)
            assert a[f"{key}_spread"] == 0 and a[key] != b[key]
        assert a["floor_fid"] == b["floor_fid"] == mean["floor_fid"]  # the floor: real digits
    with pytest.raises(ValueError, match="seeds"):
        table([])
    with pytest.raises(ValueError, match="seeds"):
        table([-1])
