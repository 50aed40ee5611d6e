"""Solutions to the exercises of notebooks/session07/02_augmentation_beyond_images.ipynb, each
written as a test that asserts the outcome the exercise asks the student to predict or find."""

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from course.augment import audio, tabular, text


def test_exercise1_token_dropout_and_deletion_counts():
    rows, real, pad = 500, 10, 4
    ids = np.tile(np.r_[np.arange(2, 2 + real), np.zeros(pad, int)], (rows, 1)).astype("int64")
    dropped = np.asarray(text.TokenDropout(0.3, seed=0)(ids, training=True))
    masked = dropped[:, :real] == 1
    tolerance = 4 * np.sqrt(0.3 * 0.7 / masked.size)  # 4 binomial standard errors
    assert masked.mean() == pytest.approx(0.3, abs=tolerance)  # each real token w.p. 0.3
    np.testing.assert_array_equal(dropped[:, real:], 0)  # padding is never touched
    assert np.all((dropped != 0).sum(axis=1) == real)  # masking keeps the length
    deleted = np.asarray(text.RandomTokenDeletion(0.3, seed=0)(ids, training=True))
    lengths = (deleted != 0).sum(axis=1)
    assert lengths.mean() == pytest.approx(real * 0.7, abs=4 * np.sqrt(real * 0.21 / rows))
    assert lengths.min() >= 1  # at least one token survives


def test_exercise2_specaugment_masked_fraction():
    frames, bins, T, F = 60, 80, 20, 40
    zeros = np.zeros((2000, frames, bins), "float32")
    one_each = audio.SpecAugment(F, T, freq_masks=1, time_masks=1, mask_value=1.0, seed=0)
    fraction = np.asarray(one_each(zeros, training=True)).mean()
    a, b = (T / 2) / frames, (F / 2) / bins  # E[width] = W / 2 for U{0..W}
    assert fraction == pytest.approx(1 - (1 - a) * (1 - b), abs=0.015)  # 0.375
    two_time = audio.SpecAugment(0, T, freq_masks=0, time_masks=2, mask_value=1.0, seed=1)
    time_fraction = np.asarray(two_time(zeros, training=True)).mean()
    assert a < time_fraction < 2 * a - 0.005  # two bands overlap: less than double


def test_exercise3_smote_with_one_neighbour():
    X, y = tabular.imbalanced_breast_cancer(n_minority=20, seed=0)
    X_min = X[y == 1]
    new = {k: tabular.smote(X, y, k_neighbors=k, seed=0)[0][len(X) :] for k in (1, 5)}
    assert (
        len(new[1]) == len(new[5]) == np.sum(y == 0) - np.sum(y == 1)
    )  # the count does not change
    nearest = (
        NearestNeighbors(n_neighbors=2).fit(X_min).kneighbors(X_min, return_distance=False)[:, 1]
    )
    start, step = X_min, X_min[nearest] - X_min  # each sample to its nearest neighbour
    offset = new[1][:, None] - start[None]
    u = np.clip((offset * step).sum(-1) / (step**2).sum(-1), 0, 1)
    gap = np.linalg.norm(offset - u[..., None] * step, axis=-1) / np.linalg.norm(step, axis=-1)
    assert gap.min(axis=1).max() < 1e-9  # all on the 1-nearest segments
    segments = {frozenset(pair) for pair in zip(range(len(X_min)), nearest)}
    assert len(segments) <= len(X_min)  # at most 20 lines (mutual pairs share)
    to_real = {
        k: NearestNeighbors(n_neighbors=1).fit(X_min).kneighbors(new[k])[0].mean() for k in new
    }
    assert to_real[1] < to_real[5]  # shorter segments: closer to real cases


def test_exercise4_adasyn_allocation():
    X, y = tabular.imbalanced_breast_cancer(n_minority=20, seed=0)
    X_min, G = X[y == 1], np.sum(y == 0) - np.sum(y == 1)
    neighbours = (
        NearestNeighbors(n_neighbors=6).fit(X).kneighbors(X_min, return_distance=False)[:, 1:]
    )
    hardness = (y[neighbours] == 0).mean(axis=1)  # share of majority among the 5 nearest
    per_sample = np.rint(hardness / hardness.sum() * G).astype(int)
    X_res, y_res = tabular.adasyn(X, y, seed=0)
    assert len(X_res) - len(X) == per_sample.sum()  # rounding: not exactly G
    assert np.bincount(y_res)[1] == np.sum(y == 1) + per_sample.sum()
    _, _, _, gap = tabular.nearest_smote_segment(X_res[len(X) :], X_min, k_neighbors=5)
    assert gap.max() < 1e-9  # SMOTE's segments, other counts
    assert np.any(per_sample == 0) and per_sample.max() > 2 * G / len(X_min)  # easy ones get none
