"""Tests for `course.generative.metrics`: the reference classifier and the sample-quality
metrics."""

import numpy as np
import pytest

from course.data import load_digits
from course.generative import metrics


def test_reference_classifier_is_accurate_on_held_out_digits(all_digits):
    assert metrics.conditional_accuracy(all_digits.x_test, all_digits.y_test) >= 0.95


def test_missing_classifier_file_names_the_script(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_reference_classifier.py"):
        metrics.reference_classifier(tmp_path / "nope.keras")


def test_images_outside_unit_range_are_rejected(all_digits):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.classify(all_digits.x_test * 2 - 1)
    with pytest.raises(ValueError, match="shape"):
        metrics.classify(np.zeros((4, 8, 8, 3)))


def test_larger_images_are_resized_and_channel_axis_optional(all_digits):
    big = load_digits(image_size=16, max_samples=1797)
    assert metrics.conditional_accuracy(big.x_test, big.y_test) >= 0.9
    np.testing.assert_array_equal(
        metrics.classify(all_digits.x_test[..., 0]), metrics.classify(all_digits.x_test)
    )


def test_conditional_accuracy_counts_requested_class(all_digits):
    x = all_digits.x_test
    predicted = metrics.classify(x)
    wrong = (predicted + 1) % 10
    assert metrics.conditional_accuracy(x, predicted) == 1.0
    assert metrics.conditional_accuracy(x, wrong) == 0.0
    with pytest.raises(ValueError, match="requested_labels"):
        metrics.conditional_accuracy(x, predicted[:-1])


def test_coverage_of_collapsed_and_uniform_labels():
    collapsed = metrics.coverage_from_labels(np.full(100, 3))
    assert (
        collapsed.classes_covered == 1 and collapsed.entropy == 0 and collapsed.collapse_score == 1
    )
    assert f"{collapsed.entropy:.3f}" == "0.000"  # not "-0.000"
    uniform = metrics.coverage_from_labels(np.arange(100) % 10)
    assert uniform.classes_covered == 10
    assert uniform.entropy == pytest.approx(np.log(10))
    assert uniform.normalized_entropy == pytest.approx(1.0)
    two = metrics.coverage_from_labels(np.array([0] * 50 + [1] * 50))
    assert two.classes_covered == 2 and two.entropy == pytest.approx(np.log(2))


def test_class_coverage_tells_real_digits_from_one_class(all_digits):
    real = metrics.class_coverage(all_digits.x_test)
    ones = metrics.class_coverage(all_digits.x_test[all_digits.y_test == 1])
    assert real.classes_covered == 10 and real.normalized_entropy > 0.95
    assert ones.classes_covered <= 2 and ones.normalized_entropy < 0.2


def test_frechet_formula_matches_1d_closed_form():
    # In 1-D: (mu1 - mu2)^2 + (s1 - s2)^2 with s the standard deviations.
    value = metrics.frechet_distance_from_stats([1.0], [[4.0]], [3.0], [[9.0]])
    assert value == pytest.approx((1 - 3) ** 2 + (2 - 3) ** 2)


def test_frechet_formula_matches_scipy_matrix_sqrt_on_full_rank_covariances():
    from scipy import linalg

    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    s1, s2 = a @ a.T + np.eye(4), b @ b.T + np.eye(4)
    mu1, mu2 = rng.normal(size=4), rng.normal(size=4)
    expected = np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * np.real(linalg.sqrtm(s1 @ s2)))
    assert metrics.frechet_distance_from_stats(mu1, s1, mu2, s2) == pytest.approx(
        expected, rel=1e-8
    )


def test_frechet_formula_on_commuting_covariances_matches_per_axis_sum():
    rng = np.random.default_rng(0)
    mu1, mu2 = rng.normal(size=5), rng.normal(size=5)
    v1, v2 = rng.uniform(0.5, 2, size=5), rng.uniform(0.5, 2, size=5)
    expected = np.sum((mu1 - mu2) ** 2 + (np.sqrt(v1) - np.sqrt(v2)) ** 2)
    q, _ = np.linalg.qr(rng.normal(size=(5, 5)))  # rotating both Gaussians keeps the distance
    value = metrics.frechet_distance_from_stats(
        q @ mu1, q @ np.diag(v1) @ q.T, q @ mu2, q @ np.diag(v2) @ q.T
    )
    assert value == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_zero_for_identical_sets_and_grows_with_shift(all_digits):
    x = all_digits.x_test
    assert metrics.frechet_distance(x, x) == pytest.approx(0.0, abs=1e-3)
    halves = metrics.frechet_distance(all_digits.x_train[:600], all_digits.x_train[600:1200])
    shifted = metrics.frechet_distance(x, np.clip(x + 0.3, 0, 1))
    one_image = metrics.frechet_distance(
        x, np.repeat(x[all_digits.y_test == 1][:1], len(x), axis=0)
    )
    assert halves < shifted < one_image


def test_sample_quality_reports_every_metric(all_digits):
    report = metrics.sample_quality(all_digits.x_test, all_digits.y_test, real=all_digits.x_val)
    assert set(report) == {
        "classes_covered",
        "entropy",
        "normalized_entropy",
        "conditional_accuracy",
        "fid",
    }
    assert report["conditional_accuracy"] >= 0.95 and report["classes_covered"] == 10


class _FixedSampler:
    def generate(self, n, labels=None, seed=None):
        return np.full((n, 8, 8, 1), 0.5, dtype="float32")


def test_sample_grid_callback_writes_pngs(tmp_path):
    callback = metrics.SampleGridCallback(tmp_path / "grids", every=2, num_samples=4)
    callback.set_model(_FixedSampler())
    for epoch in range(4):
        callback.on_epoch_end(epoch)
    assert [p.name for p in callback.paths] == ["epoch_002.png", "epoch_004.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in callback.paths)
    with pytest.raises(ValueError, match="every"):
        metrics.SampleGridCallback(tmp_path, every=0)
