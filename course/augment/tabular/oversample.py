"""Oversampling a minority class: SMOTE and ADASYN (imbalanced-learn's, not rewritten) and
Gaussian-noise jitter, each returning a class-balanced training set."""

import numpy as np

from course.validation import check_examples, check_number

IMBALANCED_HINT = (
    "imbalanced-learn is needed for SMOTE and ADASYN; it is a dependency of course, "
    "so reinstall course or run: pip install imbalanced-learn"
)


def _imblearn_over_sampling():
    """imbalanced-learn's `over_sampling` module, or an ImportError saying how to install it."""
    try:
        from imblearn import over_sampling
    except ImportError as err:
        raise ImportError(IMBALANCED_HINT) from err
    return over_sampling


def check_xy(X, y):
    """Validate a feature matrix (n, d) and its integer labels (n,); return numpy copies."""
    X = check_features(X)
    y = check_examples("y", y, allow_empty=True)
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},) to match X, got {y.shape}")
    if len(np.unique(y)) < 2:
        raise ValueError(f"y must contain at least two classes, got {np.unique(y).tolist()}")
    return X, y


def check_features(X):
    """A non-empty feature matrix (samples, features) of numbers, as float64."""
    X = check_examples("X", X, allow_empty=True).astype("float64")
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(
            f"X must be a non-empty 2-D array (samples, features), got shape {X.shape}"
        )
    return X


def smote(X, y, k_neighbors=5, seed=0):
    """Balance every class to the majority count with imbalanced-learn's SMOTE.

    New minority points lie on segments between a minority sample and one of its `k_neighbors`
    nearest minority neighbours. Returns ``(X_resampled, y_resampled)``, originals first.
    """
    X, y = check_xy(X, y)
    check_number("k_neighbors", k_neighbors, 1, integer=True)
    classes, counts = np.unique(y, return_counts=True)
    small = [(c, n) for c, n in zip(classes, counts) if n < counts.max() and n <= k_neighbors]
    if small:  # imbalanced-learn would raise scikit-learn's "Expected n_neighbors <= n_samples"
        c, n = min(small, key=lambda pair: pair[1])
        raise ValueError(
            f"k_neighbors={k_neighbors} needs more than k_neighbors samples in every minority "
            f"class; class {c} has {n}, so k_neighbors must be at most {n - 1}"
            + (" (a class of one sample cannot be oversampled by SMOTE)" if n == 1 else "")
        )
    sampler = _imblearn_over_sampling().SMOTE(k_neighbors=k_neighbors, random_state=seed)
    return sampler.fit_resample(X, y)


def nearest_smote_segment(points, X_minority, k_neighbors=5):
    """Locate each point on the closest SMOTE segment: a minority sample x_i joined to one of
    its `k_neighbors` nearest minority neighbours x_nn (Euclidean, as imbalanced-learn does).

    Returns ``(i, nn, u, gap)`` per point: the segment's two indices into `X_minority`, the
    position u in [0, 1] of the point's projection x_i + u (x_nn - x_i), and its distance to the
    segment divided by the segment's length. A SMOTE point has gap ~ 0: this is how the course
    checks any SMOTE implementation (its own inline one, imbalanced-learn's) by its defining
    property rather than by its random draws.
    """
    from sklearn.neighbors import NearestNeighbors

    X_min = np.asarray(X_minority, dtype="float64")
    P = np.asarray(points, dtype="float64")
    check_number("k_neighbors", k_neighbors, 1, len(X_min) - 1, integer=True)
    finder = NearestNeighbors(n_neighbors=k_neighbors + 1).fit(X_min)
    neighbours = finder.kneighbors(X_min, return_distance=False)[:, 1:]
    base, other = np.repeat(np.arange(len(X_min)), k_neighbors), neighbours.ravel()
    start, step = X_min[base], X_min[other] - X_min[base]  # segments (S, d)
    length = np.linalg.norm(step, axis=-1)
    offset = P[:, None, :] - start[None]  # (points, S, d)
    u = np.clip((offset * step[None]).sum(-1) / length**2, 0.0, 1.0)
    gap = np.linalg.norm(offset - u[..., None] * step[None], axis=-1) / length
    best = np.argmin(gap, axis=1)
    rows = np.arange(len(P))
    return base[best], other[best], u[rows, best], gap[rows, best]


def adasyn(X, y, n_neighbors=5, seed=0):
    """Oversample with imbalanced-learn's ADASYN: like SMOTE, but more synthetic points are made
    next to minority samples whose neighbourhood is dominated by the majority (the hard ones).

    ADASYN balances only approximately (its per-sample counts are rounded).
    """
    X, y = check_xy(X, y)
    check_number("n_neighbors", n_neighbors, 1, integer=True)
    sampler = _imblearn_over_sampling().ADASYN(n_neighbors=n_neighbors, random_state=seed)
    return sampler.fit_resample(X, y)


def noise_oversample(X, y, sigma=0.1, seed=0):
    """Balance the classes with jittered copies: each new sample is a random member of its class
    plus Gaussian noise of standard deviation ``sigma`` times that feature's standard deviation.
    """
    X, y = check_xy(X, y)
    check_number("sigma", sigma, 0)
    rng = np.random.default_rng(seed)
    scale = X.std(axis=0)
    classes, counts = np.unique(y, return_counts=True)
    new_x, new_y = [X], [y]
    for label, count in zip(classes, counts):
        need = counts.max() - count
        if need:
            members = X[y == label]
            base = members[rng.integers(0, len(members), need)]
            new_x.append(base + rng.normal(size=base.shape) * sigma * scale)
            new_y.append(np.full(need, label, dtype=y.dtype))
    return np.concatenate(new_x), np.concatenate(new_y)


def gaussian_noise(X, sigma=0.1, seed=0):
    """Return ``X`` plus Gaussian noise with per-feature standard deviation ``sigma * std(X)``."""
    X = check_features(X)
    check_number("sigma", sigma, 0)
    rng = np.random.default_rng(seed)
    return X + rng.normal(size=X.shape) * sigma * X.std(axis=0)
