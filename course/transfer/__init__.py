"""Transfer learning: backbones, functional model builders, freezing rules, features + SVM,
the notes' strategy table, and the strategies measured side by side over seeds
(`compare_strategies`).
The offline tasks (`digits_rgb`, `load_shapes`) live in `course.data`."""

from course.transfer.backbones import BACKBONES, load_backbone, pretrained_digits_backbone
from course.transfer.builder import build_transfer_model
from course.transfer.compare import (
    BATCHNORM,
    STRATEGIES,
    TWO_PHASE,
    StrategyRuns,
    bn_drift,
    compare_strategies,
)
from course.transfer.features import extract_features, fit_feature_classifier
from course.transfer.freezing import (
    all_layers,
    find_backbone,
    freeze_batchnorm,
    train_batchnorm,
    unfreeze,
)
from course.transfer.strategy import Strategy, recommend_strategy

__all__ = [
    "BACKBONES",
    "BATCHNORM",
    "STRATEGIES",
    "TWO_PHASE",
    "Strategy",
    "StrategyRuns",
    "all_layers",
    "bn_drift",
    "build_transfer_model",
    "compare_strategies",
    "extract_features",
    "find_backbone",
    "fit_feature_classifier",
    "freeze_batchnorm",
    "load_backbone",
    "pretrained_digits_backbone",
    "recommend_strategy",
    "train_batchnorm",
    "unfreeze",
]
