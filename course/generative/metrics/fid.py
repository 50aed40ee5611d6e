"""The Frechet distance between Gaussians fitted to reference-classifier features ("FID on
digits"), and `sample_quality`, every per-sample metric at once."""

import numpy as np

from course.generative.metrics.reference import (
    class_coverage,
    classifier_features,
    conditional_accuracy,
)


def frechet_distance_from_stats(mu1, sigma1, mu2, sigma2):
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)) between two Gaussians.

    In 1-D this is (mu1 - mu2)^2 + (s1 - s2)^2 with s the standard deviations. The trace of
    (S1 S2)^(1/2) is computed as that of the symmetric (S1^(1/2) S2 S1^(1/2))^(1/2), from
    eigenvalues clipped at 0, which stays stable when the covariances are singular (dead ReLU
    features).
    """
    mu1, mu2 = np.atleast_1d(mu1).astype("float64"), np.atleast_1d(mu2).astype("float64")
    sigma1, sigma2 = (
        np.atleast_2d(sigma1).astype("float64"),
        np.atleast_2d(sigma2).astype("float64"),
    )
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape or sigma1.shape != mu1.shape * 2:
        raise ValueError(
            f"mismatched statistics: means {mu1.shape} and {mu2.shape}, "
            f"covariances {sigma1.shape} and {sigma2.shape}"
        )
    values, vectors = np.linalg.eigh(sigma1)
    root1 = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = root1 @ sigma2 @ root1
    trace_covmean = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    diff = mu1 - mu2
    value = diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_covmean
    return float(max(value, 0.0))


def gaussian_stats(features):
    """Mean and covariance (rows are samples) of a feature matrix."""
    features = np.asarray(features, dtype="float64")
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f"features must be a (N >= 2, D) matrix, got shape {features.shape}")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def frechet_distance(real, fake, path=None):
    """ "FID on digits": Frechet distance between reference-classifier features of two image sets.

    Both sets follow the module's image convention; use a few hundred images per set or more
    (the 64x64 covariance is noisy below that). Identical sets give ~0.
    """
    mu1, s1 = gaussian_stats(classifier_features(real, path))
    mu2, s2 = gaussian_stats(classifier_features(fake, path))
    return frechet_distance_from_stats(mu1, s1, mu2, s2)


def sample_quality(images, requested_labels=None, real=None, path=None):
    """All metrics at once as a dict: coverage, entropy, and if given, conditional accuracy and
    FID."""
    cov = class_coverage(images, path=path)
    report = {
        "classes_covered": cov.classes_covered,
        "entropy": cov.entropy,
        "normalized_entropy": cov.normalized_entropy,
    }
    if requested_labels is not None:
        report["conditional_accuracy"] = conditional_accuracy(images, requested_labels, path)
    if real is not None:
        report["fid"] = frechet_distance(real, images, path)
    return report
