"""Solutions to the exercises of notebooks/session02/05_dropout_and_batchnorm.ipynb, each written
as a test that asserts the outcome the exercise asks the student to predict or find."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course.data import load_digits
from course.layers import BatchNorm
from course.models import compile_classifier, mlp


def test_exercise1_biased_and_unbiased_running_variance():
    x = np.array([2, 4, 6, 8], "float32").reshape(4, 1)
    n = len(x)
    biased, unbiased = float(np.var(x, ddof=0)), float(np.var(x, ddof=1))
    assert biased == pytest.approx(5.0) and unbiased == pytest.approx(20 / 3)
    assert unbiased / biased == pytest.approx(n / (n - 1))  # 4/3
    for layer in (keras.layers.BatchNormalization(momentum=0.0), BatchNorm(momentum=0.0)):
        layer(x, training=True)  # one training call
        assert float(layer.moving_variance.numpy()[0]) == pytest.approx(biased)  # Keras: biased
        assert float(layer.moving_mean.numpy()[0]) == pytest.approx(5.0)


def test_exercise2_how_fast_the_moving_mean_catches_up():
    x = np.array([1, 2, 3, 4, 5], "float32").reshape(5, 1)  # batch mean 3
    layer = keras.layers.BatchNormalization(momentum=0.9)  # PyTorch's momentum=0.1 (1 - 0.9)
    for _ in range(10):
        layer(x, training=True)
    assert float(layer.moving_mean.numpy()[0]) == pytest.approx(
        3 * (1 - 0.9**10), rel=1e-5
    )  # 1.954
    calls = int(np.ceil(np.log(0.01) / np.log(0.9)))  # 0.9^k <= 1%: within 1% of the mean
    assert calls == 44
    for _ in range(calls - 10):
        layer(x, training=True)
    assert abs(float(layer.moving_mean.numpy()[0]) - 3) <= 0.01 * 3
    assert abs(3 * (1 - 0.9 ** (calls - 1)) - 3) > 0.01 * 3  # one call fewer is not enough


def test_exercise3_batchnorm_is_blind_to_the_weight_scale():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype("float32")
    w = tf.Variable(rng.normal(size=(8, 4)).astype("float32"))
    bn = keras.layers.BatchNormalization(epsilon=1e-6)
    target = rng.normal(size=(64, 4)).astype("float32")

    def output_and_gradient(scale):
        with tf.GradientTape() as tape:
            y = bn(x @ (scale * w), training=True)
            loss = tf.reduce_mean((y - target) ** 2)
        return y.numpy(), tape.gradient(loss, w).numpy() / scale  # gradient w.r.t. scale * w

    y1, g1 = output_and_gradient(1.0)
    y10, g10 = output_and_gradient(10.0)
    np.testing.assert_allclose(y10, y1, atol=1e-4)  # same output for W and 10 W
    np.testing.assert_allclose(
        g10, g1 / 10, rtol=1e-3, atol=1e-6
    )  # gradient w.r.t. 10 W is 10x smaller


def test_exercise4_re_estimating_the_statistics_fixes_the_pitfall():
    data = load_digits(max_samples=600)
    x_train, y_train, x_val = data.x_train[:320] * 16, data.y_train[:320], data.x_val * 16
    keras.utils.set_random_seed(0)
    model = compile_classifier(
        mlp(data.input_shape, data.num_classes, hidden=(128, 128), norm="batch")
    )
    model.fit(x_train, y_train, epochs=1, batch_size=32, verbose=0)  # 10 steps, momentum 0.99

    def accuracy(predictions):
        return float(np.mean(np.asarray(predictions).argmax(1) == data.y_val))

    before = accuracy(model.predict(x_val, verbose=0))
    training_mode = accuracy(model(x_val, training=True))  # with the batch's statistics
    norms = [layer for layer in model.layers if isinstance(layer, BatchNorm)]
    for layer in norms:
        layer.momentum = 0.0  # the next training call stores its batch statistics
    model(x_train, training=True)  # one batch: all 320 training images, layer after layer
    first_dense = next(layer for layer in model.layers if isinstance(layer, keras.layers.Dense))
    first_input = (
        x_train.reshape(len(x_train), -1) @ first_dense.kernel.numpy()
    )  # what norms[0] sees
    np.testing.assert_allclose(
        norms[0].moving_mean.numpy(), first_input.mean(0), rtol=1e-4, atol=1e-3
    )
    np.testing.assert_allclose(
        norms[0].moving_variance.numpy(), first_input.var(0), rtol=1e-3, atol=1e-2
    )
    after = accuracy(model.predict(x_val, verbose=0))
    assert after > before + 0.1
    assert abs(after - training_mode) < 0.1
