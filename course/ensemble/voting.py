"""Combining members' predictions: hard voting, soft voting, and averaging for regression."""

import numpy as np

from course.validation import check_array


def _stack(predictions, name):
    array = check_array(name, predictions)
    if array.ndim != 3:
        raise ValueError(f"{name} must have shape (members, examples, classes), got {array.shape}")
    if 0 in array.shape:
        raise ValueError(f"{name} needs at least one member, example and class, got {array.shape}")
    return array


def _member_weights(weights, n_members):
    """None, or one finite non-negative weight per member with a positive sum."""
    if weights is None:
        return None
    weights = check_array("weights", weights, ndim=1)
    if weights.shape != (n_members,):
        raise ValueError(
            f"weights must have one entry per member, shape ({n_members},), got {weights.shape}"
        )
    if (weights < 0).any() or weights.sum() <= 0:
        raise ValueError(
            f"weights must be non-negative with a positive sum, got {weights.tolist()}"
        )
    return weights


def hard_vote(probs):
    """Each member votes for its argmax class; the most frequent vote wins (ties: lowest class)."""
    probs = _stack(probs, "probs")
    votes = probs.argmax(axis=2)
    counts = np.apply_along_axis(np.bincount, 0, votes, minlength=probs.shape[2])
    return counts.argmax(axis=0)


def soft_vote(probs, weights=None):
    """The argmax of the members' (optionally weighted) average probabilities."""
    probs = _stack(probs, "probs")
    return np.average(probs, axis=0, weights=_member_weights(weights, len(probs))).argmax(axis=1)


def average_predictions(predictions, weights=None):
    """Regression ensembling: the (weighted) mean of the members' predictions."""
    array = check_array("predictions", predictions)
    if array.ndim < 2 or not array.size:
        raise ValueError(
            f"predictions must have shape (members, examples, ...) with at least one member "
            f"and one example, got {array.shape}"
        )
    return np.average(array, axis=0, weights=_member_weights(weights, len(array)))
