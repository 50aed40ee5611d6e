"""Pseudo-labelling against the supervised-only baseline (Session 7 section 6)."""

import numpy as np
import pytest

from course.data import load_digits
from course.semisupervised import PseudoLabelResult, labelled_subset, pseudo_labelling


def test_labelled_subset_is_balanced_and_seeded():
    y = np.repeat(np.arange(10), 30)
    chosen = labelled_subset(y, 50, seed=0)
    assert len(chosen) == len(set(chosen)) == 50
    assert np.bincount(y[chosen]).tolist() == [5] * 10
    np.testing.assert_array_equal(chosen, labelled_subset(y, 50, seed=0))
    assert not np.array_equal(chosen, labelled_subset(y, 50, seed=1))
    assert len(labelled_subset(y, 13, seed=0)) == 13
    with pytest.raises(ValueError, match="n_labelled"):
        labelled_subset(y, 5)  # fewer labels than classes


def test_result_bookkeeping():
    result = PseudoLabelResult(50, 0.8, [0.85, 0.9], [100, 120], [0.95, 0.93])
    assert result.final_accuracy == 0.9 and result.gain == pytest.approx(0.1)
    assert "round 2: +120 pseudo-labels (93.0% correct)" in str(result)


def test_pseudo_labels_are_mostly_right_and_recorded():
    split = load_digits(max_samples=400, seed=0)
    result = pseudo_labelling(split, n_labelled=30, threshold=0.9, rounds=1, epochs=10, seed=0)
    assert 0.5 < result.baseline_accuracy <= 1.0
    assert len(result.round_accuracies) == len(result.pseudo_labels_added) == 1
    assert 0 < result.pseudo_labels_added[0] <= len(split.x_train) - 30
    assert result.pseudo_label_precision[0] > 0.8
    # The per-item correctness agrees with Keras's own accuracy metric, model by model.
    for correct, accuracy in [
        (result.baseline_correct, result.baseline_accuracy),
        (result.final_correct, result.final_accuracy),
    ]:
        assert correct.shape == split.y_test.shape and correct.dtype == bool
        assert correct.mean() == pytest.approx(accuracy, abs=1e-6)
    with pytest.raises(ValueError, match="threshold"):
        pseudo_labelling(split, threshold=0.0)
