"""Tests for the evaluation protocol of `course.generative.metrics`: FID against the Gaussian
closed form, KID against a brute-force double sum and on known-identical / known-different sets,
within-class diversity, and the real-versus-real floor."""

import numpy as np
import pytest
from scipy import linalg

from course.data import load_digits
from course.generative import metrics


def _gaussian(rng, n, mean, cov):
    return rng.multivariate_normal(mean, cov, size=n)


def test_fid_of_sampled_gaussians_matches_the_analytic_frechet_distance():
    rng = np.random.default_rng(0)
    d = 4
    a, b = rng.normal(size=(d, d)), rng.normal(size=(d, d))
    s1, s2 = a @ a.T + np.eye(d), b @ b.T + np.eye(d)
    mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
    analytic = np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * np.real(linalg.sqrtm(s1 @ s2)))
    x, y = _gaussian(rng, 50_000, mu1, s1), _gaussian(rng, 50_000, mu2, s2)
    measured = metrics.frechet_distance_from_stats(
        *metrics.gaussian_stats(x), *metrics.gaussian_stats(y)
    )
    assert measured == pytest.approx(analytic, rel=0.03)


def test_unbiased_mmd_equals_a_brute_force_double_sum():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(5, 3)), rng.normal(1.0, 1.0, size=(6, 3))

    def k(u, v):
        return (sum(ui * vi for ui, vi in zip(u, v)) / 3 + 1) ** 3

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    assert metrics.mmd2_unbiased(x, y) == pytest.approx(xx + yy - 2 * xy, rel=1e-12)


def test_kid_is_zero_within_its_error_on_one_distribution_and_positive_on_shifted_ones():
    rng = np.random.default_rng(2)
    cov = np.eye(8)
    x, y = _gaussian(rng, 2000, np.zeros(8), cov), _gaussian(rng, 2000, np.zeros(8), cov)
    kid, se = metrics.kernel_inception_distance(x, y, subset_size=100)
    assert abs(kid) <= 3 * se
    shifted, se_shifted = metrics.kernel_inception_distance(x, y + 0.5, subset_size=100)
    assert shifted > 10 * se_shifted and shifted > 10 * abs(kid)


def test_kid_refuses_too_few_subsets_and_mismatched_widths():
    x = np.zeros((10, 3))
    with pytest.raises(ValueError, match="subset_size"):
        metrics.kernel_inception_distance(x, x, subset_size=6)
    with pytest.raises(ValueError, match="feature width"):
        metrics.mmd2_unbiased(x, np.zeros((10, 4)))


def test_diversity_ratio_is_one_for_one_distribution_and_zero_for_a_collapsed_set():
    rng = np.random.default_rng(3)
    labels = np.repeat(np.arange(3), 500)
    centres = rng.normal(0, 5, size=(3, 6))
    real = centres[labels] + rng.normal(size=(len(labels), 6))
    generated = centres[labels] + rng.normal(size=(len(labels), 6))
    same = metrics.within_class_diversity(generated, labels, real, labels)
    assert same.ratio == pytest.approx(1.0, abs=0.05)
    collapsed = metrics.within_class_diversity(centres[labels], labels, real, labels)
    assert collapsed.ratio == 0.0 and "0.00x" in str(collapsed)
    with pytest.raises(ValueError, match="labels"):
        metrics.within_class_diversity(generated, labels[:-1], real, labels)


@pytest.fixture(scope="module")
def digits():
    return load_digits(max_samples=1797)


def test_floor_is_below_a_clearly_different_set_under_the_protocol(digits):
    protocol = metrics.DEFAULT_PROTOCOL
    n = 200
    floor = protocol.floor(n)
    brightened = protocol.evaluate(np.clip(digits.x_test[:n] + 0.3, 0, 1), digits.y_test[:n])
    assert brightened.floor == floor and floor.samples == n
    assert floor.fid < brightened.fid / 3
    assert brightened.kid > floor.kid + 3 * np.hypot(brightened.kid_se, floor.kid_se)
    assert floor.diversity.ratio == pytest.approx(1.0, abs=0.15)
    row = brightened.as_dict()
    assert row["floor_fid"] == floor.fid and row["floor_kid_se"] == floor.kid_se
    assert "floor" in str(brightened) and "within-class diversity" in str(brightened)


def test_within_class_collapse_shows_in_diversity_not_in_coverage(digits):
    # One real image per class, repeated: every class covered, conditional accuracy 1.
    firsts = [np.flatnonzero(digits.y_test == c)[0] for c in range(10)]
    images = np.repeat(digits.x_test[firsts], 20, axis=0)
    labels = np.repeat(np.arange(10), 20)
    result = metrics.evaluate(images, labels)
    assert result.coverage.classes_covered == 10 and result.conditional_accuracy >= 0.9
    assert result.diversity.ratio < 0.01
    assert result.fid > 10 * result.floor.fid


def test_protocol_refuses_bad_sizes(digits):
    with pytest.raises(ValueError, match="samples"):
        metrics.EvaluationProtocol(reference_size=1000, samples=900)
    with pytest.raises(ValueError, match="samples"):
        metrics.DEFAULT_PROTOCOL.evaluate(digits.x_train[:1001])
    with pytest.raises(ValueError, match="labels"):
        metrics.DEFAULT_PROTOCOL.evaluate(digits.x_test[:50], digits.y_test[:49])
