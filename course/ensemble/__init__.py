"""Ensembles: error theory, voting/averaging, bagging and boosting with Keras members."""

from course.ensemble.bagging import BaggingEnsemble, bootstrap_indices
from course.ensemble.boosting import AdaBoostSAMME
from course.ensemble.seeds import BaggedSeeds, bag_over_seeds
from course.ensemble.theory import (
    correlated_majority_error,
    majority_vote_error,
    mistake_correlation,
    notes_ensemble_error,
)
from course.ensemble.voting import average_predictions, hard_vote, soft_vote

__all__ = [
    "AdaBoostSAMME",
    "BaggedSeeds",
    "BaggingEnsemble",
    "average_predictions",
    "bag_over_seeds",
    "bootstrap_indices",
    "correlated_majority_error",
    "hard_vote",
    "majority_vote_error",
    "mistake_correlation",
    "notes_ensemble_error",
    "soft_vote",
]
