"""Solutions to the exercises of notebooks/session07/10_optimization.ipynb, each written as a test
that asserts the outcome the exercise asks the student to predict or find, against Keras'
built-ins or the closed form."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course import optim
from course.models import mlp
from course.optim import schedules

BETA_1, BETA_2, EPS = 0.9, 0.999, 1e-7


def first_step(optimizer, g):
    """How far `optimizer` moves a weight at 0 on its first step with gradient `g`."""
    w = keras.Variable([0.0])
    optimizer.apply_gradients([(tf.constant([g], tf.float32), w)])
    return -float(w.numpy()[0])


@pytest.mark.parametrize("g", [1e-3, 1.0, 1e3])
def test_exercise1_adams_first_step_ignores_the_gradients_scale(g):
    assert first_step(optim.SGD(0.1), g) == pytest.approx(0.1 * g, rel=1e-6)  # lr * g
    adam = first_step(optim.Adam(0.1), g)
    # t = 1: m_hat = g, v_hat = g^2, Keras' guard eps / sqrt(1 - beta_2): lr * g / (|g| + guard)
    assert adam == pytest.approx(0.1 * g / (abs(g) + EPS / np.sqrt(1 - BETA_2)), rel=1e-4)
    assert adam == pytest.approx(first_step(keras.optimizers.Adam(0.1), g), rel=1e-6)
    assert adam == pytest.approx(0.1, rel=0.01)  # ~lr, whatever g


def uncorrected_adam_steps(g, steps, lr=0.1):
    """Step sizes of Adam without bias correction on a constant gradient g."""
    m = v = 0.0
    sizes = []
    for _ in range(steps):
        m = BETA_1 * m + (1 - BETA_1) * g
        v = BETA_2 * v + (1 - BETA_2) * g**2
        sizes.append(lr * m / (np.sqrt(v) + EPS))
    return np.array(sizes)


def test_exercise2_without_bias_correction_the_first_step_is_3_16_lr():
    sizes = uncorrected_adam_steps(1.0, 5000)
    # m = (1 - beta_1) g is 10x too small, sqrt(v) = sqrt(1 - beta_2) |g| is 31.6x too small:
    # v is underestimated more, so the first step is (1 - beta_1) / sqrt(1 - beta_2) = 3.16 lr.
    assert sizes[0] / 0.1 == pytest.approx((1 - BETA_1) / np.sqrt(1 - BETA_2), rel=1e-4)
    assert sizes[0] / 0.1 == pytest.approx(3.162, abs=1e-3)
    assert first_step(keras.optimizers.Adam(0.1), 1.0) == pytest.approx(
        0.1, rel=1e-4
    )  # corrected: lr
    # Both corrections tend to 1 (beta^t -> 0), so after thousands of steps the step is lr again.
    assert sizes[-1] == pytest.approx(
        0.1 * (1 - BETA_1**5000) / np.sqrt(1 - BETA_2**5000), rel=1e-4
    )
    assert sizes[-1] == pytest.approx(0.1, rel=0.01)


def test_exercise3_warmup_plus_cosine_and_its_keras_twin():
    ours = schedules.LinearWarmup(schedules.CosineDecay(0.1, 900), 100)
    keras_twin = keras.optimizers.schedules.CosineDecay(
        0.0, 900, warmup_target=0.1, warmup_steps=100
    )
    # ramp 0 -> 0.1 over 100 steps, then 0.1 * (1 + cos(pi * (t - 100) / 900)) / 2, then 0
    predicted = {0: 0.0, 50: 0.05, 100: 0.1, 550: 0.05, 1000: 0.0}
    for step, rate in predicted.items():
        assert float(ours(step)) == pytest.approx(rate, abs=1e-6)
        assert float(keras_twin(step)) == pytest.approx(rate, abs=1e-6)
    steps = np.arange(0, 1200, 37)
    np.testing.assert_allclose(
        [float(ours(t)) for t in steps], [float(keras_twin(t)) for t in steps], atol=1e-7
    )


def run_steps(optimizer, gradient, steps, w0=1.0):
    """The weight (from w0) after `steps` steps of `optimizer` with gradient(w)."""
    w = keras.Variable([w0])
    for _ in range(steps):
        optimizer.apply_gradients([(gradient(w.value), w)])
    return float(w.numpy()[0])


def test_exercise4_decoupled_decay_against_an_l2_penalty_under_adam():

    def zero(w):
        return tf.zeros_like(w)

    expected = (1 - 0.1 * 0.1) ** 50  # w <- w (1 - lr wd), 50 times: 0.605
    assert run_steps(optim.AdamW(0.1, weight_decay=0.1), zero, 50) == pytest.approx(
        expected, rel=1e-5
    )
    assert run_steps(keras.optimizers.AdamW(0.1, weight_decay=0.1), zero, 50) == pytest.approx(
        expected, rel=1e-5
    )
    # L2 under Adam: the gradient 2 lam w is divided by its own RMS, so the first step is ~lr for
    # any lam.
    for lam in (1e-4, 1.0):
        moved = 1.0 - run_steps(optim.Adam(0.1), lambda w, lam=lam: 2 * lam * w, 1)
        g = 2 * lam
        assert moved == pytest.approx(0.1 * g / (g + EPS / np.sqrt(1 - BETA_2)), rel=1e-4)
        assert moved == pytest.approx(0.1, rel=0.02)


def make_clipped_train_step(model, optimizer, loss_fn, clip=1.0):
    """The notebook's `make_train_step`, extended with global-norm clipping (clip=None: none)."""

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        if clip is not None:
            grads, _ = tf.clip_by_global_norm(grads, clip)
        optimizer.apply(grads, model.trainable_variables)
        return loss

    return train_step


def twin_models():
    keras.utils.set_random_seed(0)
    first = mlp((8,), 3, hidden=(16,), output_activation=None)
    second = keras.models.clone_model(first)
    second.set_weights(first.get_weights())
    return first, second


def test_exercise5_clipping_by_hand_equals_keras_global_clipnorm():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 8)).astype("float32") * 5.0  # large inputs: large gradients
    y = rng.integers(0, 3, size=80)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    with tf.GradientTape() as tape:  # clipping must be active
        probe, _ = twin_models()
        first_loss = loss_fn(y[:16], probe(x[:16]))
    assert float(tf.linalg.global_norm(tape.gradient(first_loss, probe.trainable_variables))) > 1.0
    for clip in (1.0, None):
        by_hand, by_fit = twin_models()
        step = make_clipped_train_step(by_hand, keras.optimizers.SGD(0.5), loss_fn, clip)
        for xb, yb in batches:
            step(xb, yb)
        by_fit.compile(keras.optimizers.SGD(0.5, global_clipnorm=1.0), loss_fn, jit_compile=False)
        by_fit.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
        gap = max(np.abs(a - b).max() for a, b in zip(by_hand.get_weights(), by_fit.get_weights()))
        if clip is None:
            assert gap > 1e-2  # unclipped steps differ
        else:
            assert gap < 1e-5
