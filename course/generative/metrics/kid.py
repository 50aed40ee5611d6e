"""Kernel Inception Distance (Binkowski et al. 2018) on feature vectors.

KID is the squared maximum mean discrepancy (MMD^2) between two feature sets under the cubic
polynomial kernel k(x, y) = (x.y / d + 1)^3, with the *unbiased* estimator: unlike FID, its
expectation does not depend on the sample size, so small samples are not penalised and two
samples of one distribution score 0 on average (single estimates can be slightly negative).
The estimate is averaged over disjoint subsets, whose spread gives an honest standard error.
"""

import numpy as np

from course.validation import check_number


def _features(features, name):
    x = np.asarray(features, dtype="float64")
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f"{name} must be a (N >= 2, D) feature matrix, got shape {x.shape}")
    return x


def polynomial_kernel(x, y):
    """The cubic polynomial kernel matrix (x_i . y_j / d + 1)^3 between rows of x and y."""
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def mmd2_unbiased(x, y):
    """Unbiased MMD^2 between feature sets x (m, d) and y (n, d) under `polynomial_kernel`:
    the within-set kernel means leave out the diagonal (i = j), the cross term keeps all pairs."""
    x, y = _features(x, "x"), _features(y, "y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same feature width, got {x.shape} and {y.shape}")
    m, n = len(x), len(y)
    k_xx, k_yy, k_xy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
    within_x = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
    within_y = (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return float(within_x + within_y - 2.0 * k_xy.mean())


def kernel_inception_distance(x, y, subset_size=50, seed=0):
    """(KID, standard error) between feature sets `x` and `y`.

    Both sets are shuffled (seeded) and cut into disjoint subsets of `subset_size` rows; the
    k-th subset of `x` is paired with the k-th of `y`, as many pairs as the smaller set allows
    (at least 2). KID is the mean of the pairs' `mmd2_unbiased`, and the standard error is their
    standard deviation over sqrt(number of pairs): the pairs are independent, so it is honest.
    """
    x, y = _features(x, "x"), _features(y, "y")
    check_number("subset_size", subset_size, 2, integer=True)
    pairs = min(len(x), len(y)) // subset_size
    if pairs < 2:
        raise ValueError(
            f"subset_size={subset_size} leaves fewer than 2 disjoint subsets of "
            f"{len(x)} and {len(y)} rows; pass a smaller subset_size or more samples"
        )
    rng = np.random.default_rng(seed)
    x, y = x[rng.permutation(len(x))], y[rng.permutation(len(y))]
    values = [
        mmd2_unbiased(
            x[k * subset_size : (k + 1) * subset_size], y[k * subset_size : (k + 1) * subset_size]
        )
        for k in range(pairs)
    ]
    return float(np.mean(values)), float(np.std(values, ddof=1) / np.sqrt(pairs))
