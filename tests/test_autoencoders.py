"""Autoencoder family, anomaly detection and the PCA comparison."""

import numpy as np
import pytest

from course.generative.anomaly import (
    evaluate_detector,
    percentile_threshold,
    reconstruction_errors,
    split_normal_anomalous,
)
from course.generative.autoencoders import (
    Autoencoder,
    ContractiveAutoencoder,
    DenoisingAutoencoder,
    SparseAutoencoder,
    code_jacobian_norm,
)
from course.generative.pca_comparison import (
    autoencoder_reconstruction_mse,
    markdown_table,
    pca_reconstruction_mse,
)

SHAPE = (8, 8, 1)


@pytest.fixture(scope="module")
def images(binary_batch):
    return binary_batch[0]


def test_linear_autoencoder_mse_is_mean_squared_error(images):
    model = Autoencoder(SHAPE, 2, hidden_units=(), output_activation=None)
    losses = model.compute_losses(images)
    manual = np.mean((images - model.predict(images, verbose=0)) ** 2)
    np.testing.assert_allclose(float(losses["loss"]), manual, rtol=1e-5)


def test_sparse_penalty_is_l1_of_the_code(images):
    model = SparseAutoencoder(SHAPE, 6, l1=0.05)
    code = model.encode(images).numpy()
    assert (code >= 0).all()  # ReLU code
    losses = model.compute_losses(images)
    np.testing.assert_allclose(
        float(losses["penalty"]), 0.05 * np.abs(code).sum(1).mean(), rtol=1e-5
    )


def test_contractive_penalty_matches_the_sigmoid_closed_form(images):
    # One sigmoid layer h = s(Wx + b): dh_j/dx_i = h_j (1 - h_j) W_ij, so
    # ||J||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ij^2 (Rifai et al., 2011).
    model = ContractiveAutoencoder(SHAPE, 5, hidden_units=(), contractive_weight=0.5)
    norms, code = code_jacobian_norm(model, images)
    kernel = model.encoder.get_layer("encoder_head").kernel.numpy()
    h = code.numpy()
    expected = ((h * (1 - h)) ** 2 * (kernel**2).sum(0)).sum(1)
    np.testing.assert_allclose(norms.numpy(), expected, rtol=1e-4)
    np.testing.assert_allclose(
        float(model.compute_losses(images)["penalty"]), 0.5 * expected.mean(), rtol=1e-4
    )


def test_denoising_corrupts_for_training_but_not_in_call(images):
    model = DenoisingAutoencoder(SHAPE, 4, noise_stddev=0.5, clip=None, seed=0)
    x = np.zeros((256, *SHAPE), "float32")
    noise = model.corrupt(x).numpy()
    assert abs(noise.std() - 0.5) < 0.02
    np.testing.assert_array_equal(model(images), model(images))
    clipped = DenoisingAutoencoder(SHAPE, 4, noise_stddev=0.5, seed=0).corrupt(x).numpy()
    assert clipped.min() >= 0 and clipped.max() <= 1


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        (dict(latent_dim=0), "latent_dim"),
        (dict(latent_dim=2, kind="rnn"), "kind"),
        (dict(latent_dim=2, hidden_units=(0,)), "hidden_units"),
    ],
)
def test_invalid_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        Autoencoder(SHAPE, **kwargs)


def test_invalid_penalties_and_conv_shapes():
    with pytest.raises(ValueError, match="l1"):
        SparseAutoencoder(SHAPE, 2, l1=-1.0)
    with pytest.raises(ValueError, match="contractive_weight"):
        ContractiveAutoencoder(SHAPE, 2, contractive_weight=-0.1)
    with pytest.raises(ValueError, match="noise_stddev"):
        DenoisingAutoencoder(SHAPE, 2, noise_stddev=-0.1)
    with pytest.raises(ValueError, match="divisible"):
        Autoencoder((6, 6, 1), 2, kind="conv")


class _Shrink:
    """A stand-in model whose reconstruction keeps only the first `keep` pixels."""

    def __init__(self, keep):
        self.keep = keep

    def predict(self, x, **kwargs):
        out = np.zeros_like(x)
        flat = out.reshape(len(x), -1)
        flat[:, : self.keep] = x.reshape(len(x), -1)[:, : self.keep]
        return out


def test_anomaly_detector_threshold_and_auc():
    rng = np.random.default_rng(1)
    normal_train = np.zeros((200, 4, 4, 1), "float32")
    normal_train.reshape(200, -1)[:, :8] = rng.random((200, 8))
    normal_train.reshape(200, -1)[:, 8:] = 0.1 * rng.random((200, 8))
    normal_test, anomalies = normal_train[:50], rng.random((30, 4, 4, 1)).astype("float32")
    model = _Shrink(8)
    errors = reconstruction_errors(model, normal_train)
    np.testing.assert_allclose(
        errors, (normal_train.reshape(200, -1)[:, 8:] ** 2).sum(1) / 16, rtol=1e-6
    )
    threshold = percentile_threshold(errors, 90)
    assert np.mean(errors > threshold) == pytest.approx(0.10, abs=0.01)
    report = evaluate_detector(model, normal_train, normal_test, anomalies, percentile=90)
    assert report.auc == 1.0 and report.detection_rate == 1.0
    assert report.false_alarm_rate <= 0.2 and "ROC AUC" in str(report)


class _Memorizer:
    """Reconstructs its training images exactly and others badly: an overfitted autoencoder."""

    def __init__(self, train):
        self.seen = {x.tobytes() for x in train}

    def predict(self, x, **kwargs):
        return np.stack([xi if xi.tobytes() in self.seen else 0.5 * xi for xi in x])


def test_calibrated_threshold_flags_five_percent_of_fresh_normal_data():
    from scipy import stats

    rng = np.random.default_rng(4)

    def normal(n):
        return rng.random((n, 4, 4, 1)).astype("float32")

    train, calibration, fresh = normal(500), normal(2000), normal(4000)
    model = _Memorizer(train)
    anomalies = np.ones((50, 4, 4, 1), "float32")
    report = evaluate_detector(model, calibration, fresh, anomalies, percentile=95)
    low, high = stats.binom.interval(0.999, len(fresh), 0.05)
    assert low / len(fresh) <= report.false_alarm_rate <= high / len(fresh)
    # The training errors (all 0 for this model) would put the threshold at 0: every fresh
    # normal image flagged.
    assert evaluate_detector(model, train, fresh, anomalies).false_alarm_rate == 1.0


def test_split_normal_anomalous():
    x, y = np.arange(10), np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 3])
    normal, anomalous = split_normal_anomalous(x, y, normal_classes=(0, 1))
    assert normal.tolist() == [0, 1, 3, 4, 6, 7] and anomalous.tolist() == [2, 5, 8, 9]
    with pytest.raises(ValueError, match="normal_classes"):
        split_normal_anomalous(x, y, normal_classes=range(4))


def test_pca_mse_is_the_discarded_variance():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4, 4, 1)) * np.linspace(0.2, 2, 16).reshape(1, 4, 4, 1)
    flat = x.reshape(300, -1)
    eigenvalues = np.sort(np.linalg.eigvalsh(np.cov(flat, rowvar=False, bias=True)))[::-1]
    for k in (1, 5, 12):
        expected = eigenvalues[k:].sum() / flat.shape[1]
        assert pca_reconstruction_mse(x, x, k) == pytest.approx(expected, rel=1e-4)


def test_linear_autoencoder_cannot_beat_pca_on_its_training_data():
    from course.data import load_digits

    split = load_digits(max_samples=300)
    train_mse, _ = autoencoder_reconstruction_mse(split, 4, "linear AE", epochs=30)
    pca_mse = pca_reconstruction_mse(split.x_train, split.x_train, 4)
    assert train_mse >= pca_mse * (1 - 1e-3)
    assert train_mse < 2 * pca_mse  # and training got it into PCA's neighbourhood


def test_markdown_table():
    table = markdown_table(
        [{"code size": 2, "PCA": 0.12345}, {"code size": 4, "PCA": 0.1}], digits=3
    )
    assert table.splitlines() == [
        "| code size | PCA |",
        "|---|---|",
        "| 2 | 0.123 |",
        "| 4 | 0.100 |",
    ]
