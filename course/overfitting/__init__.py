"""Overfitting toolkit (Session 7, sections 4.1-4.2): L1/L2 penalties, k-fold cross-validation,
and a measured comparison of the remedies (weight decay, early stopping, a smaller model,
dropout, BatchNorm, augmentation) on a deliberately overfitting model."""
from course.overfitting.kfold import KFoldResult, kfold_evaluate
from course.overfitting.penalties import L1L2, l1, l2
from course.overfitting.remedies import (Remedy, RemedyResult, augmenter, build_mlp, compare_remedies,
                                         default_remedies, results_table, small_training_set,
                                         train_remedy)

__all__ = ["KFoldResult", "L1L2", "Remedy", "RemedyResult", "augmenter", "build_mlp",
           "compare_remedies", "default_remedies", "kfold_evaluate", "l1", "l2", "results_table",
           "small_training_set", "train_remedy"]
