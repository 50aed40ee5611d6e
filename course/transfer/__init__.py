"""Transfer learning: backbones, functional model builders, freezing rules, features + SVM,
and the notes' strategy table."""
from course.transfer.backbones import BACKBONES, load_backbone, pretrained_digits_backbone
from course.transfer.builder import build_transfer_model, find_backbone
from course.transfer.features import extract_features, fit_feature_classifier
from course.transfer.freezing import freeze_batchnorm, unfreeze
from course.transfer.digits_task import digits_rgb
from course.transfer.strategy import Strategy, recommend_strategy

__all__ = ["BACKBONES", "Strategy", "build_transfer_model", "digits_rgb", "extract_features", "find_backbone",
           "fit_feature_classifier", "freeze_batchnorm", "load_backbone",
           "pretrained_digits_backbone", "recommend_strategy", "unfreeze"]
