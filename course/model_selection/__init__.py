"""Model selection: k-fold cross-validation of Keras models, for estimates steadier than one
validation split when data are few."""

from course.model_selection.kfold import KFoldResult, kfold_evaluate

__all__ = ["KFoldResult", "kfold_evaluate"]
