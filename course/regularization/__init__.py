"""Regularization (Session 7, sections 4.1-4.2): L1/L2 kernel penalties, and a measured
comparison of the remedies for overfitting (penalties, weight decay, early stopping, a smaller
model, dropout, BatchNorm, augmentation) on a deliberately overfitting MLP.

Dropout and BatchNorm themselves are `course.layers`; decoupled weight decay is
`course.optim.AdamW`; k-fold cross-validation is `course.model_selection`.
"""

from course.regularization.penalties import L1L2, l1, l2
from course.regularization.remedies import (
    BASELINE,
    Remedy,
    RemedyResult,
    RemedyRuns,
    augmenter,
    compare_remedies,
    default_remedies,
    held_out_items,
    results_table,
    small_training_set,
    train_remedy,
)

__all__ = [
    "BASELINE",
    "L1L2",
    "Remedy",
    "RemedyResult",
    "RemedyRuns",
    "augmenter",
    "compare_remedies",
    "default_remedies",
    "held_out_items",
    "l1",
    "l2",
    "results_table",
    "small_training_set",
    "train_remedy",
]
