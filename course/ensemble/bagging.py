"""Bagging: members trained on bootstrap resamples of the training set, then combined."""

import numpy as np

from course.ensemble.voting import hard_vote, soft_vote
from course.validation import check_choice, check_number


def check_paired(x, y):
    """Training inputs and targets: at least one example, as many targets as inputs."""
    if len(x) == 0 or len(x) != len(y):
        raise ValueError(
            f"x and y must hold the same positive number of examples, got {len(x)} and {len(y)}"
        )


def bootstrap_indices(n, n_members, seed=0):
    """One bootstrap resample (n indices drawn with replacement) per member."""
    check_number("n", n, 1, integer=True)
    check_number("n_members", n_members, 1, integer=True)
    check_number("seed", seed, 0, integer=True)
    return np.random.default_rng(seed).integers(0, n, size=(n_members, n))


class BaggingEnsemble:
    """Train `n_members` models from `build_model()` on bootstrap samples; vote or average.

    `build_model` returns a compiled Keras classifier with softmax outputs. Members differ by
    their data (and initialisation), which decorrelates their mistakes.
    """

    def __init__(self, build_model, n_members=5, seed=0):
        if not callable(build_model):
            raise TypeError(f"build_model must be callable, got {type(build_model).__name__}")
        check_number("n_members", n_members, 1, integer=True)
        check_number("seed", seed, 0, integer=True)
        self.build_model, self.n_members, self.seed = build_model, n_members, seed
        self.members = []

    def fit(self, x, y, **fit_kwargs):
        import keras

        check_paired(x, y)
        fit_kwargs.setdefault("verbose", 0)
        self.members = []
        for i, idx in enumerate(bootstrap_indices(len(x), self.n_members, self.seed)):
            keras.utils.set_random_seed(self.seed + i)
            model = self.build_model()
            model.fit(x[idx], y[idx], **fit_kwargs)
            self.members.append(model)
        return self

    def member_probabilities(self, x):
        """(members, examples, classes) predicted probabilities."""
        if not self.members:
            raise RuntimeError("call fit() before predicting")
        return np.stack([m.predict(x, verbose=0) for m in self.members])

    def predict(self, x, voting="soft"):
        check_choice("voting", voting, ("soft", "hard"))
        probs = self.member_probabilities(x)
        return soft_vote(probs) if voting == "soft" else hard_vote(probs)
