"""Combining members' predictions: hard voting, soft voting, and averaging for regression."""
import numpy as np


def _stack(predictions, name):
    array = np.asarray(predictions, dtype="float64")
    if array.ndim != 3:
        raise ValueError(f"{name} must have shape (members, examples, classes), got {array.shape}")
    return array


def hard_vote(probs):
    """Each member votes for its argmax class; the most frequent vote wins (ties: lowest class)."""
    probs = _stack(probs, "probs")
    votes = probs.argmax(axis=2)
    counts = np.apply_along_axis(np.bincount, 0, votes, minlength=probs.shape[2])
    return counts.argmax(axis=0)


def soft_vote(probs, weights=None):
    """The argmax of the members' (optionally weighted) average probabilities."""
    probs = _stack(probs, "probs")
    return np.average(probs, axis=0, weights=weights).argmax(axis=1)


def average_predictions(predictions, weights=None):
    """Regression ensembling: the (weighted) mean of the members' predictions."""
    array = np.asarray(predictions, dtype="float64")
    if array.ndim < 2:
        raise ValueError(f"predictions must have shape (members, examples, ...), got {array.shape}")
    return np.average(array, axis=0, weights=weights)
