"""Tests for the GAN family in `course.generative.gan`: shapes, steps, WGAN-GP penalty, saving,
checks."""

import json
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from course.generative.gan import (
    ACGAN,
    DCGAN,
    GAN,
    WGANGP,
    ConditionalGAN,
    build_discriminator,
    build_generator,
    gradient_penalty,
    two_time_scale,
)
from course.generative.metrics import SampleGridCallback
from tests.helpers import image_batch

SMALL = dict(latent_dim=8, width=8, seed=3)
MODELS = [
    (DCGAN, {}),
    (ConditionalGAN, {}),
    (ACGAN, {}),
    (WGANGP, {"n_critic": 2}),
    (DCGAN, {"spectral_norm": True, "feature_matching": True}),
]
IDS = ["dcgan", "cgan", "acgan", "wgangp", "dcgan-sn-fm"]


def make(cls, **kwargs):
    model = cls(**{**SMALL, **kwargs})
    model.compile(run_eagerly=True)
    return model


def step(model, x, y):
    return model.train_on_batch(x, y if model.conditional else None, return_dict=True)


def noise_inputs(model, n=4):
    z = np.random.default_rng(1).normal(size=(n, model.latent_dim)).astype("float32")
    return (z, np.arange(n) % 10) if model.conditional else z


def test_generator_and_discriminator_shapes():
    z, x, y = np.zeros((4, 8), "float32"), np.zeros((4, 16, 16, 1), "float32"), np.arange(4)
    assert build_generator((16, 16, 1), 8, width=8)(z).shape == (4, 16, 16, 1)
    assert build_generator((8, 8, 1), 8, num_classes=10, width=8)([z, y]).shape == (4, 8, 8, 1)
    assert build_discriminator((16, 16, 1), width=8)(x).shape == (4, 1)
    assert build_discriminator((16, 16, 1), num_classes=10, width=8)([x, y]).shape == (4, 1)
    logit, classes = build_discriminator((16, 16, 1), 10, width=8, auxiliary_classifier=True)(x)
    assert logit.shape == (4, 1) and classes.shape == (4, 10)


@pytest.mark.parametrize("cls,kwargs", MODELS, ids=IDS)
def test_call_generates_images_in_unit_range(cls, kwargs):
    model = make(cls, **kwargs)
    images = np.asarray(model.predict(noise_inputs(model), verbose=0))
    assert images.shape == (4, 8, 8, 1) and images.min() >= 0 and images.max() <= 1
    assert model.generate(5, seed=0).shape == (5, 8, 8, 1)
    np.testing.assert_allclose(model.generate(3, seed=7), model.generate(3, seed=7))


@pytest.mark.parametrize("cls,kwargs", MODELS, ids=IDS)
def test_one_training_step_changes_both_networks_and_reports_every_tracker(cls, kwargs):
    model = make(cls, **kwargs)
    x, y = image_batch()
    before_g = [w.copy() for w in model.generator.get_weights()]
    before_d = [w.copy() for w in model.discriminator.get_weights()]
    logs = step(model, x, y)
    assert sorted(logs) == sorted(m.name for m in model.metrics) == sorted(cls.metric_names)
    assert all(np.isfinite(v) for v in logs.values())
    assert any(not np.allclose(a, b) for a, b in zip(before_g, model.generator.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(before_d, model.discriminator.get_weights()))


def test_fit_in_graph_mode_logs_the_tracker_names():
    model = ConditionalGAN(**SMALL)
    model.compile(**two_time_scale())
    x, y = image_batch(32)
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert sorted(history.history) == sorted(m.name for m in model.metrics)
    assert model.d_optimizer.iterations.numpy() == 2 and model.g_optimizer.iterations.numpy() == 2


def test_trains_with_the_course_trainer():
    from course.train import Trainer

    model = ConditionalGAN(**SMALL)
    model.compile()
    history = Trainer(model, verbose=0).fit(image_batch(32), epochs=1, batch_size=16)
    assert sorted(history.history) == sorted(ConditionalGAN.metric_names)
    assert int(model.d_optimizer.iterations) == int(model.g_optimizer.iterations) == 2


def test_wgan_takes_n_critic_critic_steps_per_generator_step():
    model = make(WGANGP, n_critic=3)
    step(model, *image_batch())
    assert model.d_optimizer.iterations.numpy() == 3 and model.g_optimizer.iterations.numpy() == 1


def test_two_time_scale_gives_a_faster_discriminator():
    optimizers = two_time_scale(g_learning_rate=1e-4, d_learning_rate=4e-4)
    assert float(optimizers["d_optimizer"].learning_rate) == pytest.approx(
        4 * float(optimizers["g_optimizer"].learning_rate)
    )
    with pytest.raises(ValueError, match="d_learning_rate"):
        two_time_scale(d_learning_rate=0)


# ---- WGAN-GP gradient penalty --------------------------------------------------------------


def linear_critic(weights):
    critic = keras.Sequential(
        [keras.Input((2, 2, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    critic.layers[-1].set_weights(
        [np.reshape(weights, (4, 1)).astype("float32"), np.zeros(1, "float32")]
    )
    return critic


def test_penalty_matches_hand_computation_for_a_linear_critic():
    # f(x) = w . x has gradient w everywhere: penalty = (sqrt(|w|^2 + eps) - 1)^2.
    w = np.array([0.5, -1.0, 2.0, 0.0])
    real, fake = np.random.default_rng(0).normal(size=(2, 3, 2, 2, 1)).astype("float32")
    penalty = float(gradient_penalty(linear_critic(w), real, fake, seed=0, epsilon=1e-12))
    assert penalty == pytest.approx((np.sqrt(np.sum(w**2) + 1e-12) - 1) ** 2, rel=1e-5)


def test_penalty_uses_the_given_interpolation_weight_per_example():
    # f(x) = sum(x^2) / 2 has gradient x: the norm is that of the interpolate itself.
    real = np.stack([np.full((2, 2, 1), 1.0), np.full((2, 2, 1), 2.0)]).astype("float32")
    fake = np.zeros_like(real)
    alpha = np.array([0.25, 0.5], "float32").reshape(2, 1, 1, 1)
    penalty = float(
        gradient_penalty(
            lambda x: 0.5 * tf.reduce_sum(x**2, axis=[1, 2, 3]), real, fake, alpha=alpha
        )
    )
    mixed = real + alpha * (fake - real)  # 0.75 and 1.0 in every pixel
    norms = np.sqrt(np.sum(mixed**2, axis=(1, 2, 3)) + 1e-12)
    assert penalty == pytest.approx(np.mean((norms - 1) ** 2), rel=1e-5)


def test_default_interpolation_weight_is_uniform_per_example():
    seen = []

    def recording_critic(x):
        seen.append(x.numpy())
        return tf.reduce_sum(x, axis=[1, 2, 3])

    real, fake = np.zeros((4000, 2, 2, 1), "float32"), np.ones((4000, 2, 2, 1), "float32")
    gradient_penalty(recording_critic, real, fake, seed=0)
    alpha = seen[0]  # with real = 0 and fake = 1 the interpolate *is* alpha
    np.testing.assert_allclose(
        alpha, alpha[:, :1, :1, :] * np.ones_like(alpha)
    )  # one weight per example
    assert alpha.min() >= 0 and alpha.max() <= 1
    assert alpha.mean() == pytest.approx(0.5, abs=0.02) and alpha.std() == pytest.approx(
        np.sqrt(1 / 12), abs=0.02
    )
    assert np.histogram(alpha[:, 0, 0, 0], bins=4, range=(0, 1))[0].min() > 900


def test_penalty_and_its_gradient_are_finite_for_identical_real_and_fake():
    x, _ = image_batch(8)
    critic = build_discriminator((8, 8, 1), width=8)
    with tf.GradientTape() as tape:
        penalty = gradient_penalty(critic, x, x, seed=0)
    grads = tape.gradient(penalty, critic.trainable_variables)
    assert np.isfinite(float(penalty))
    assert all(np.all(np.isfinite(g.numpy())) for g in grads if g is not None)


def test_epsilon_inside_the_root_keeps_the_gradient_finite_where_the_critic_is_flat():
    # A zero critic has zero input-gradient: d sqrt(sum g^2 + eps) stays finite, sqrt(0) would not.
    critic = linear_critic(np.zeros(4))
    real = np.ones((2, 2, 2, 1), "float32")
    with tf.GradientTape() as tape:
        penalty = gradient_penalty(critic, real, real, seed=0, epsilon=1e-12)
    assert float(penalty) == pytest.approx((np.sqrt(1e-12) - 1) ** 2)
    grads = tape.gradient(penalty, critic.trainable_variables)
    assert all(np.all(np.isfinite(g.numpy())) for g in grads if g is not None)
    w = tf.Variable(tf.zeros(4))
    with tf.GradientTape() as tape:
        norm_without_eps = tf.sqrt(tf.reduce_sum(w**2)) + 1e-12
    assert np.isnan(tape.gradient(norm_without_eps, w).numpy()).all()


def test_feature_matching_loss_is_zero_for_identical_batches():
    model = make(DCGAN, feature_matching=True)
    x, _ = image_batch()
    real = x * 2 - 1
    assert float(model.feature_matching_loss(real, real, None, None)) == pytest.approx(
        0.0, abs=1e-8
    )
    assert float(model.feature_matching_loss(real, -real, None, None)) > 0


# ---- saving, mixed precision, callbacks, bad input ----------------------------------------


@pytest.mark.parametrize("cls,kwargs", MODELS[1:], ids=IDS[1:])  # plain DCGAN: see dcgan-sn-fm
def test_keras_round_trip_keeps_weights_config_and_optimizers(cls, kwargs, tmp_path):
    model = make(cls, **kwargs)
    step(model, *image_batch())
    path = tmp_path / "gan.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is cls
    assert json.loads(json.dumps(loaded.get_config())) == json.loads(json.dumps(model.get_config()))
    inputs = noise_inputs(model)
    np.testing.assert_allclose(loaded(inputs), model(inputs), atol=1e-6)
    for name in ("d_optimizer", "g_optimizer"):
        ours, theirs = getattr(model, name), getattr(loaded, name)
        assert type(theirs) is type(ours) and int(theirs.iterations) == int(ours.iterations)
        assert float(theirs.learning_rate) == pytest.approx(float(ours.learning_rate))
    step(loaded, *image_batch())  # and it keeps training


def test_round_trip_before_training_loads_without_optimizer_warnings(tmp_path):
    model = make(WGANGP)
    model.save(tmp_path / "fresh.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = keras.saving.load_model(tmp_path / "fresh.keras")
    assert loaded.n_critic == model.n_critic
    for name in ("d_optimizer", "g_optimizer"):  # compile builds them (not the first traced step)
        assert getattr(loaded, name).built and int(getattr(loaded, name).iterations) == 0


def test_round_trip_of_a_plain_gan_over_user_networks(tmp_path):
    generator = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(64, activation="tanh"),
            keras.layers.Reshape((8, 8, 1)),
        ],
        name="g",
    )
    discriminator = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(1)], name="d"
    )
    model = GAN(generator, discriminator, latent_dim=4)
    model.compile(run_eagerly=True)
    step(model, *image_batch())
    model.save(tmp_path / "plain.keras")
    loaded = keras.saving.load_model(tmp_path / "plain.keras")
    z = np.ones((2, 4), "float32")
    np.testing.assert_allclose(loaded(z), model(z), atol=1e-6)


def test_mixed_precision_wraps_both_optimizers_and_scales_the_losses():
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        model = DCGAN(**SMALL)
        model.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer="adam", run_eagerly=True)
        assert isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer)
        assert isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer)
        scaled = []
        for optimizer in (model.d_optimizer, model.g_optimizer):
            original = optimizer.scale_loss
            optimizer.scale_loss = lambda loss, original=original: (
                scaled.append(float(loss)) or original(loss)
            )
        before = [w.copy() for w in model.generator.get_weights()]
        logs = step(model, *image_batch())
        assert len(scaled) == 2 and all(np.isfinite(v) for v in logs.values())
        assert float(model.d_optimizer.scale_loss(1.0)) > 1  # a dynamic loss scale is in force
        assert any(not np.allclose(a, b) for a, b in zip(before, model.generator.get_weights()))
        assert model.generator.outputs[0].dtype == "float32"
    finally:
        keras.config.set_dtype_policy(previous)
    assert keras.config.dtype_policy().name == previous.name
    assert not isinstance(make(DCGAN).d_optimizer, keras.optimizers.LossScaleOptimizer)


def test_sample_grid_callback_saves_conditional_samples_during_fit(tmp_path):
    model = make(ConditionalGAN)
    callback = SampleGridCallback(tmp_path, num_samples=10, labels=np.arange(10))
    model.fit(*image_batch(16), batch_size=16, epochs=2, verbose=0, callbacks=[callback])
    assert [p.name for p in callback.paths] == ["epoch_001.png", "epoch_002.png"]
    # the kept samples are the model's own at that epoch: the last equals a fresh draw after fit
    assert sorted(callback.samples) == [1, 2]
    np.testing.assert_array_equal(
        callback.samples[2], model.generate(10, labels=np.arange(10), seed=0)
    )
    assert not np.array_equal(callback.samples[1], callback.samples[2])  # it trained in between


def test_sample_grid_callback_keeps_samples_in_memory_without_a_directory(tmp_path):
    callback = SampleGridCallback(None, every=2, num_samples=4)
    callback.set_model(make(DCGAN))
    for epoch in range(4):
        callback.on_epoch_end(epoch)
    assert sorted(callback.samples) == [2, 4] and callback.paths == []
    assert callback.samples[2].shape == (4, 8, 8, 1)


@pytest.mark.parametrize(
    "build,name",
    [
        (lambda: DCGAN(latent_dim=0), "latent_dim"),
        (lambda: WGANGP(n_critic=0), "n_critic"),
        (lambda: WGANGP(gp_weight=-1.0), "gp_weight"),
        (lambda: ConditionalGAN(num_classes=1), "num_classes"),
        (lambda: DCGAN(image_shape=(7, 7, 1)), "image_shape"),
        (lambda: DCGAN(num_classes=10), "num_classes"),
        (lambda: DCGAN(dropout=1.0), "dropout"),
        (
            lambda: GAN(build_generator(latent_dim=4), build_discriminator(), latent_dim=5),
            "latent_dim",
        ),
        (lambda: make(DCGAN).compile(label_smoothing=-0.1), "label_smoothing"),
        (lambda: make(ConditionalGAN).generate(3, labels=[0, 1, 10]), "labels"),
        (lambda: make(DCGAN).generate(3, labels=[0, 1, 2]), "labels"),
    ],
)
def test_invalid_arguments_raise_value_error_naming_them(build, name):
    with pytest.raises(ValueError, match=name):
        build()


def test_same_optimizer_twice_and_training_before_compile_are_refused():
    optimizer = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="g_optimizer"):
        DCGAN(**SMALL).compile(d_optimizer=optimizer, g_optimizer=optimizer)
    with pytest.raises(RuntimeError, match="compile"):
        DCGAN(**SMALL).train_step(image_batch()[0])
