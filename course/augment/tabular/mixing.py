"""MixUp in feature space for tabular data, and the exact bridge from its soft labels to any
classifier that accepts sample weights."""

import numpy as np

from course.augment.tabular.oversample import check_xy
from course.validation import check_choice, check_number


def mixup(X, y, n_samples, alpha=0.4, seed=0, anchor_class=None):
    """Make `n_samples` convex blends x = lam x_i + (1 - lam) x_j with soft labels
    lam e(y_i) + (1 - lam) e(y_j), lam ~ Beta(alpha, alpha).

    With `anchor_class`, x_i always comes from that class and lam is folded to max(lam, 1 - lam)
    so the anchor dominates: a minority-oversampling variant. Returns ``(X_mix, Y_soft, classes)``
    where column c of `Y_soft` is the weight of ``classes[c]``.
    """
    X, y = check_xy(X, y)
    check_number("n_samples", n_samples, 0, integer=True)
    check_number("alpha", alpha, 0, low_open=True)
    classes = np.unique(y)
    rng = np.random.default_rng(seed)
    if anchor_class is None:
        i = rng.integers(0, len(X), n_samples)
    else:
        if anchor_class not in classes:
            raise ValueError(
                f"anchor_class must be one of {classes.tolist()}, got {anchor_class!r}"
            )
        members = np.flatnonzero(y == anchor_class)
        i = members[rng.integers(0, len(members), n_samples)]
    j = rng.integers(0, len(X), n_samples)
    lam = rng.beta(alpha, alpha, n_samples)
    if anchor_class is not None:
        lam = np.maximum(lam, 1.0 - lam)
    onehot = (y[:, None] == classes[None, :]).astype("float64")
    X_mix = lam[:, None] * X[i] + (1.0 - lam[:, None]) * X[j]
    Y_soft = lam[:, None] * onehot[i] + (1.0 - lam[:, None]) * onehot[j]
    return X_mix, Y_soft, classes


def soft_label_rows(X, Y_soft, classes):
    """Expand soft-labelled rows into hard-labelled rows with sample weights.

    Row (x, Y) becomes one row (x, c) of weight Y[c] per class with Y[c] > 0, so a weighted
    cross-entropy over the expanded rows equals the soft-label cross-entropy over the originals.
    Returns ``(X_rows, y_rows, weights)``.
    """
    Y_soft = np.asarray(Y_soft, dtype="float64")
    rows, cols = np.nonzero(Y_soft > 0)
    return np.asarray(X)[rows], np.asarray(classes)[cols], Y_soft[rows, cols]


def mixup_oversample(X, y, alpha=0.4, seed=0, label="soft"):
    """Top up each smaller class with anchored MixUp samples (see `mixup`).

    ``label="soft"`` keeps MixUp's soft labels, so a blend gives only part of its weight to the
    small class; ``label="anchor"`` gives the whole label to the anchor class (the Remix rule of
    Chou et al., 2020, for an anchor weight >= 0.5), which actually rebalances.
    Returns ``(X, y, sample_weight)``: the originals with weight 1, then the new rows.
    """
    check_choice("label", label, ("soft", "anchor"))
    X, y = check_xy(X, y)
    classes, counts = np.unique(y, return_counts=True)
    parts = [(X, y, np.ones(len(y)))]
    for k, (target, count) in enumerate(zip(classes, counts)):
        need = int(counts.max() - count)
        if need:
            X_mix, Y_soft, cls = mixup(X, y, need, alpha=alpha, seed=seed + k, anchor_class=target)
            if label == "anchor":
                parts.append((X_mix, np.full(need, target, dtype=y.dtype), np.ones(need)))
            else:
                parts.append(soft_label_rows(X_mix, Y_soft, cls))
    return tuple(np.concatenate(p) for p in zip(*parts))
