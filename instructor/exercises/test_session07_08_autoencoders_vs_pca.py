"""Solutions to the exercises of notebooks/session07/08_autoencoders_vs_pca.ipynb, each written as a
test that asserts the outcome the exercise asks the student to predict or find."""

import keras
import numpy as np
import pytest

from course.data import load_digits
from course.generative.anomaly import evaluate_detector, split_normal_anomalous
from course.generative.autoencoders import Autoencoder, DenoisingAutoencoder
from course.profiles import profile


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def pca_reconstruct(x_fit, x, k):
    """The notebook's PCA by SVD: project onto the top-k principal directions of x_fit and back."""
    fit, flat = (
        x_fit.reshape(len(x_fit), -1).astype("float64"),
        x.reshape(len(x), -1).astype("float64"),
    )
    mean = fit.mean(axis=0)
    _, _, vt = np.linalg.svd(fit - mean, full_matrices=False)
    directions = vt[:k]
    return (flat - mean) @ directions.T @ directions + mean


def test_exercise1_all_components_reconstruct_exactly(digits):
    x = digits.x_test.reshape(len(digits.x_test), -1)
    full = np.mean((x - pca_reconstruct(digits.x_train, digits.x_test, 64)) ** 2)
    assert full < 1e-12
    assert (
        np.mean((x - pca_reconstruct(digits.x_train, digits.x_test, 8)) ** 2) > 1e-3
    )  # fewer lose detail


def _fit(make_model, x, epochs=1):
    """Build a model after seeding (so equal architectures start equal), train it; returns it."""
    keras.utils.set_random_seed(0)
    model = make_model()
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    model.fit(x, epochs=epochs, batch_size=64, verbose=0, shuffle=False)
    return model


def test_exercise2_no_noise_is_a_plain_autoencoder(digits):
    def weights(make_model):
        return _fit(make_model, digits.x_train).get_weights()

    plain = weights(lambda: Autoencoder(digits.input_shape, 8))
    denoising = weights(
        lambda: DenoisingAutoencoder(digits.input_shape, 8, noise_stddev=0.0, seed=0)
    )
    assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(plain, denoising))
    noisy = weights(lambda: DenoisingAutoencoder(digits.input_shape, 8, noise_stddev=0.3, seed=0))
    assert not all(np.allclose(a, b, atol=1e-6) for a, b in zip(plain, noisy))


def test_exercise3_swapped_normal_classes(digits):
    normal = range(5, 10)
    normal_train, _ = split_normal_anomalous(digits.x_train, digits.y_train, normal_classes=normal)
    normal_val, _ = split_normal_anomalous(digits.x_val, digits.y_val, normal_classes=normal)
    normal_test, anomalies = split_normal_anomalous(
        digits.x_test, digits.y_test, normal_classes=normal
    )
    detector = _fit(
        lambda: Autoencoder(digits.input_shape, 8),
        normal_train,
        epochs=profile().autoencoders.detector_epochs,
    )
    report = evaluate_detector(detector, normal_val, normal_test, anomalies, percentile=95)
    assert (
        report.auc > 0.6
    )  # "normal" is whatever the AE was fitted to, not a property of the digits


def sequence_autoencoder():
    """The notebook's GRU sequence autoencoder for 8 steps of 8 features, code size 8."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((8, 8)),
            keras.layers.GRU(64),
            keras.layers.Dense(8, name="code"),
            keras.layers.RepeatVector(8),
            keras.layers.GRU(64, return_sequences=True),
            keras.layers.Dense(8, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    return model


def test_exercise4_columns_work_like_rows(digits):
    columns_train = np.swapaxes(digits.x_train[..., 0], 1, 2)
    columns_test = np.swapaxes(digits.x_test[..., 0], 1, 2)
    model = sequence_autoencoder()
    model.fit(
        columns_train,
        columns_train,
        epochs=profile().autoencoders.sequence_epochs,
        batch_size=32,
        verbose=0,
    )
    mse = model.evaluate(columns_test, columns_test, verbose=0)
    mean_image = float(np.mean((digits.x_test - digits.x_train.mean(axis=0)) ** 2))
    assert mse < mean_image
