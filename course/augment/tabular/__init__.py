"""Tabular augmentation: SMOTE/ADASYN (imbalanced-learn, a dependency of course), Gaussian
noise injection, MixUp in feature space, and the imbalanced breast-cancer comparison."""

from course.augment.tabular.experiment import (
    compare_resamplers,
    imbalanced_breast_cancer,
    resampler_outcomes,
    resampler_table,
)
from course.augment.tabular.mixing import mixup, mixup_oversample, soft_label_rows
from course.augment.tabular.oversample import (
    adasyn,
    gaussian_noise,
    nearest_smote_segment,
    noise_oversample,
    smote,
)

__all__ = [
    "adasyn",
    "compare_resamplers",
    "gaussian_noise",
    "imbalanced_breast_cancer",
    "mixup",
    "mixup_oversample",
    "nearest_smote_segment",
    "noise_oversample",
    "resampler_outcomes",
    "resampler_table",
    "smote",
    "soft_label_rows",
]
