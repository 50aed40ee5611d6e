"""Tabular augmentation: SMOTE/ADASYN wrappers, noise injection, feature-space MixUp, and the
imbalanced breast-cancer comparison."""

import builtins
import sys

import numpy as np
import pytest

from course.augment import tabular
from course.augment.tabular import (
    adasyn,
    gaussian_noise,
    imbalanced_breast_cancer,
    mixup,
    mixup_oversample,
    noise_oversample,
    smote,
    soft_label_rows,
)


@pytest.fixture(scope="module")
def data():
    return imbalanced_breast_cancer(n_minority=25, seed=0)


def test_imbalanced_breast_cancer_subsamples_malignant(data):
    X, y = data
    assert X.shape == (357 + 25, 30)
    assert np.bincount(y).tolist() == [357, 25]


def test_smote_balances_and_keeps_features(data):
    X, y = data
    X_res, y_res = smote(X, y, seed=0)
    assert X_res.shape[1] == X.shape[1]
    assert np.bincount(y_res).tolist() == [357, 357]
    np.testing.assert_array_equal(X_res[: len(X)], X)  # originals first, untouched
    minority = X[y == 1]
    synthetic = X_res[len(X) :]
    assert np.all(synthetic >= minority.min(0) - 1e-9) and np.all(
        synthetic <= minority.max(0) + 1e-9
    )


def test_nearest_smote_segment_locates_points_on_and_off_segments():
    corners = np.array(
        [[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [1.0, 2.0]]
    )  # 1-NN pairs: {0, 1}, {2, 3}
    points = np.array([[0.25, 0.0], [0.5, 2.0], [0.5, 1.0]])
    i, nn, u, gap = tabular.nearest_smote_segment(points, corners, k_neighbors=1)
    assert [frozenset(p) for p in zip(i[:2], nn[:2])] == [frozenset((0, 1)), frozenset((2, 3))]
    np.testing.assert_allclose(gap[:2], 0.0, atol=1e-12)
    np.testing.assert_allclose(np.where(i[:2] % 2 == 0, u[:2], 1 - u[:2]), [0.25, 0.5])
    assert gap[2] == pytest.approx(1.0)  # the centre is one segment length from both segments


def test_nearest_smote_segment_accepts_imbalanced_learns_points(data):
    X, y = data
    new = smote(X, y, seed=0)[0][len(X) :]
    assert tabular.nearest_smote_segment(new, X[y == 1], k_neighbors=5)[3].max() < 1e-9


def test_smote_is_deterministic_with_a_seed(data):
    X, y = data
    np.testing.assert_array_equal(smote(X, y, seed=3)[0], smote(X, y, seed=3)[0])
    assert not np.array_equal(smote(X, y, seed=3)[0], smote(X, y, seed=4)[0])


def test_adasyn_roughly_balances(data):
    X, y = data
    X_res, y_res = adasyn(X, y, seed=0)
    counts = np.bincount(y_res)
    assert X_res.shape[1] == 30 and abs(counts[1] - counts[0]) <= 0.05 * counts[0]


def test_missing_imbalanced_learn_says_how_to_install_it(monkeypatch, data):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("imblearn"):
            raise ImportError("No module named 'imblearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "imblearn", raising=False)
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install imbalanced-learn"):
        smote(*data)


def test_noise_oversample_balances_with_scaled_noise(data):
    X, y = data
    X_res, y_res = noise_oversample(X, y, sigma=0.0, seed=0)
    assert np.bincount(y_res).tolist() == [357, 357]
    minority = {tuple(row) for row in X[y == 1]}
    assert all(tuple(row) in minority for row in X_res[len(X) :])  # sigma 0 = plain copies
    X_big = np.tile(X, (20, 1))
    jitter = gaussian_noise(X_big, sigma=0.2, seed=1) - X_big
    np.testing.assert_allclose(jitter.std(0), 0.2 * X.std(0), rtol=0.05)
    np.testing.assert_allclose(jitter.mean(0) / X.std(0), 0.0, atol=0.02)


def test_mixup_convex_combinations_and_soft_labels():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = np.array([0] * 30 + [1] * 10)
    X_mix, Y_soft, classes = mixup(X, y, 200, alpha=0.4, seed=0)
    assert X_mix.shape == (200, 3) and Y_soft.shape == (200, 2)
    np.testing.assert_allclose(Y_soft.sum(1), 1.0)
    assert classes.tolist() == [0, 1]
    _, Y_anchor, _ = mixup(X, y, 200, alpha=0.4, seed=0, anchor_class=1)
    assert np.all(Y_anchor[:, 1] >= 0.5)  # the anchor dominates


def test_soft_label_rows_reproduce_soft_cross_entropy():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    Y = np.array([[0.7, 0.3], [0.0, 1.0]])
    X_rows, y_rows, w = soft_label_rows(X, Y, np.array([0, 1]))
    assert y_rows.tolist() == [0, 1, 1] and w.tolist() == [0.7, 0.3, 1.0]
    np.testing.assert_array_equal(X_rows, X[[0, 0, 1]])


def test_mixup_oversample_balances_total_weight(data):
    X, y = data
    X_res, y_res, w = mixup_oversample(X, y, seed=0)
    assert X_res.shape[1] == 30
    assert w.sum() == pytest.approx(357 * 2)
    assert w[y_res == 1].sum() > 357 * 0.5 + 25  # most added weight is minority
    assert w[y_res == 1].sum() < 357  # ... but soft labels leave the classes unbalanced
    X_a, y_a, w_a = mixup_oversample(X, y, seed=0, label="anchor")
    assert np.bincount(y_a).tolist() == [357, 357] and np.all(w_a == 1.0)
    np.testing.assert_array_equal(X_a[: len(X)], X)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda X, y: noise_oversample(X, y, sigma=-0.1), "sigma"),
        (lambda X, y: mixup(X, y, 10, alpha=0.0), "alpha"),
        (lambda X, y: mixup(X, y, 10, anchor_class=7), "anchor_class"),
        (lambda X, y: mixup_oversample(X, y, label="hard"), "label"),
        (lambda X, y: smote(X[:, 0], y), "X"),
        (lambda X, y: smote(X, y[:-1]), "y"),
        (lambda X, y: smote(X, np.zeros_like(y)), "y"),
    ],
)
def test_invalid_arguments_name_themselves(data, call, name):
    with pytest.raises(ValueError, match=name):
        call(*data)


def test_compare_resamplers_table():
    table = tabular.compare_resamplers(n_minority=20, repeats=2, methods=["none", "SMOTE"])
    assert table.column("method") == ["none", "SMOTE"]
    none, smoted = table.rows
    assert smoted["train rows"] > none["train rows"]
    for row in table.rows:
        assert 0.0 <= row["minority recall"] <= 1.0 and 0.0 <= row["minority F1"] <= 1.0
    assert "minority recall" in str(table)


def test_resampler_outcomes_are_the_split_case_by_case():
    outcomes = tabular.resampler_outcomes(n_minority=20, repeats=3, methods=["none", "SMOTE"])
    for runs in outcomes.values():
        # A stratified half of 20 malignant and 357 benign: 10 and 179 test cases every split.
        assert runs["malignant"].shape == (3, 10) and runs["benign"].shape == (3, 179)
        true_pos = runs["malignant"].sum(axis=1)
        false_pos = (~runs["benign"]).sum(axis=1)
        precision = true_pos / np.maximum(true_pos + false_pos, 1)
        recall = runs["malignant"].mean(axis=1)
        np.testing.assert_allclose(runs["precision"], precision)  # scikit-learn's, per split
        f1 = np.where(true_pos > 0, 2 * precision * recall / (precision + recall + 1e-300), 0)
        np.testing.assert_allclose(runs["F1"], f1)
    assert np.all(outcomes["SMOTE"]["train rows"] > outcomes["none"]["train rows"])


def test_resampler_table_averages_over_splits():
    runs = {
        "malignant": np.array([[1, 0], [1, 1]], bool),
        "benign": np.ones((2, 3), bool),
        "precision": np.array([1.0, 0.5]),
        "F1": np.array([0.5, 1.0]),
        "train rows": np.array([10, 12]),
    }
    (row,) = tabular.resampler_table({"none": runs}).rows
    assert row == {
        "method": "none",
        "train rows": 11,
        "minority recall": 0.75,
        "minority precision": 0.75,
        "minority F1": 0.75,
    }
