"""Solutions to the exercises of notebooks/session07/03_gans.ipynb, each written as a test that
asserts the outcome the exercise asks the student to predict or find."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course.data import load_digits
from course.generative import metrics
from course.generative.gan import DCGAN, experiments


@pytest.fixture(scope="module")
def digits():
    return load_digits(max_samples=1797)


def bce(logits, target):
    """Mean sigmoid cross-entropy of logits against a constant target (the notebook's helper)."""
    logits = tf.cast(logits, tf.float32)
    return tf.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(logits), target), logits)
    )


def gan_train_step(
    generator,
    discriminator,
    d_optimizer,
    g_optimizer,
    images,
    noise,
    latent_dim=32,
    real_target=1.0,
    d_steps=1,
):
    """The notebook's inline step extended by exercises 4 (`real_target`) and 5 (`d_steps`)."""
    real = images * 2.0 - 1.0
    batch = tf.shape(real)[0]
    for _ in range(d_steps):  # each discriminator step draws its own noise, before G's
        z = keras.random.normal((batch, latent_dim), seed=noise)
        with tf.GradientTape() as tape:
            fake = generator(z, training=True)
            d_loss = bce(discriminator(real, training=True), real_target) + bce(
                discriminator(fake, training=True), 0.0
            )
        d_vars = discriminator.trainable_variables
        d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    z = keras.random.normal((batch, latent_dim), seed=noise)
    with tf.GradientTape() as tape:
        g_loss = bce(discriminator(generator(z, training=True), training=True), 1.0)
    g_vars = generator.trainable_variables
    g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    return {"d_loss": d_loss, "g_loss": g_loss}


def test_exercise1_equilibrium_loss_is_2_log_2(digits):
    gan = DCGAN(seed=0)
    output = gan.discriminator.layers[-1]
    output.set_weights([np.zeros_like(w) for w in output.get_weights()])
    real = tf.constant(digits.x_train[:16] * 2 - 1)
    fake = gan.generate_raw(tf.random.normal((16, 32), seed=0), None, training=False)
    values = gan.discriminator_losses(real, fake, None, None)
    assert float(values["d_loss"]) == pytest.approx(2 * np.log(2), abs=1e-6)
    assert float(values["d_real"]) == pytest.approx(0.5) and float(
        values["d_fake"]
    ) == pytest.approx(0.5)


def test_exercise2_non_saturating_gradient_is_999_times_stronger():
    d = 0.001
    s = tf.Variable(float(np.log(d / (1 - d))))
    with tf.GradientTape(persistent=True) as tape:
        saturating = tf.math.log(1 - tf.sigmoid(s))
        non_saturating = -tf.math.log(tf.sigmoid(s))
    ratio = float(tape.gradient(non_saturating, s)) / float(tape.gradient(saturating, s))
    assert ratio == pytest.approx((1 - d) / d, rel=1e-3)  # d/ds: -(1 - D) against -D


def test_exercise3_one_class_is_full_collapse_all_digits_full_coverage(digits):
    one_class = metrics.class_coverage(digits.x_train[digits.y_train == 3])
    everything = metrics.class_coverage(digits.x_test)
    assert one_class.classes_covered == 1 and one_class.normalized_entropy < 0.05
    assert everything.classes_covered == 10 and everything.normalized_entropy > 0.99
    recipes = experiments.stored_figures()["recipes"]
    looks_collapsed = [  # one class covered in every stored training seed
        name for name, r in recipes.items() if max(r["per_seed"]["classes_covered"]) == 1
    ]
    assert looks_collapsed == ["collapsing"]


def _twins(model_class, seed, **compile_kwargs):
    library = model_class(seed=seed)
    library.compile(**compile_kwargs)
    inline = model_class(seed=seed)
    inline.set_weights(library.get_weights())
    return library, inline


def _assert_same_training(library, inline, batches, seed, **step_kwargs):
    d_opt, g_opt = (keras.optimizers.Adam(2e-4, beta_1=0.5) for _ in range(2))
    noise = keras.random.SeedGenerator(seed)
    for batch in batches:
        library.reset_metrics()
        ours = gan_train_step(
            inline.generator, inline.discriminator, d_opt, g_opt, batch, noise, **step_kwargs
        )
        theirs = library.train_step(batch)
        if step_kwargs.get("d_steps", 1) == 1:  # with several D steps the tracker averages them
            np.testing.assert_allclose(float(ours["d_loss"]), float(theirs["d_loss"]), rtol=1e-5)
        np.testing.assert_allclose(float(ours["g_loss"]), float(theirs["g_loss"]), rtol=1e-5)
    gap = max(
        float(np.max(np.abs(a - b))) for a, b in zip(inline.get_weights(), library.get_weights())
    )
    assert gap < 1e-5, gap


def _batches(digits, n=2, size=32):
    return [tf.constant(digits.x_train[size * i : size * (i + 1)]) for i in range(n)]


def test_exercise4_real_target_matches_label_smoothing(digits):
    library, inline = _twins(DCGAN, 2, label_smoothing=0.1)
    _assert_same_training(library, inline, _batches(digits), 2, real_target=0.9)
    # and the unsmoothed step does not match the smoothed model (the check can fail)
    library, inline = _twins(DCGAN, 2, label_smoothing=0.1)
    with pytest.raises(AssertionError):
        _assert_same_training(library, inline, _batches(digits), 2)


class TwoDiscriminatorSteps(DCGAN):
    """A DCGAN whose train_step takes two discriminator steps per generator step."""

    d_steps = 2


def test_exercise5_two_discriminator_steps(digits):
    library, inline = _twins(TwoDiscriminatorSteps, 4)
    _assert_same_training(library, inline, _batches(digits), 4, d_steps=2)
    library, inline = _twins(TwoDiscriminatorSteps, 4)
    with pytest.raises(AssertionError):
        _assert_same_training(library, inline, _batches(digits), 4, d_steps=1)
