"""Tabular augmentation: SMOTE/ADASYN (imbalanced-learn, optional `imbalanced` extra), Gaussian
noise injection, MixUp in feature space, and the imbalanced breast-cancer comparison."""
from course.augment.tabular.experiment import compare_resamplers, imbalanced_breast_cancer
from course.augment.tabular.mixup import mixup, mixup_oversample, soft_label_rows
from course.augment.tabular.oversample import adasyn, gaussian_noise, noise_oversample, smote

__all__ = ["adasyn", "compare_resamplers", "gaussian_noise", "imbalanced_breast_cancer", "mixup",
           "mixup_oversample", "noise_oversample", "smote", "soft_label_rows"]
