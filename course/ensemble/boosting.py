"""AdaBoost (SAMME, multi-class) with Keras learners trained on weighted examples.

Each round fits a learner with the current example weights, measures its weighted error err,
gives it the say alpha = log((1 - err) / err) + log(K - 1), and multiplies the weights of the
examples it got wrong by exp(alpha), so the next learner focuses on them.
"""

import numpy as np

from course.ensemble.bagging import check_paired
from course.validation import check_labels, check_number


def samme_alpha(error, num_classes):
    """A learner's weight in SAMME; positive while it beats random guessing (err < 1 - 1/K)."""
    check_number("error", error, 0, 1)
    check_number("num_classes", num_classes, 2, integer=True)
    error = min(max(error, 1e-10), 1 - 1e-10)
    return float(np.log((1 - error) / error) + np.log(num_classes - 1))


def reweight(weights, wrong, alpha):
    """Up-weight the misclassified examples by exp(alpha) and renormalise to sum 1."""
    new = weights * np.exp(alpha * wrong)
    return new / new.sum()


class AdaBoostSAMME:
    """Boost `n_rounds` learners from `build_model()` (compiled Keras classifiers)."""

    def __init__(self, build_model, n_rounds=5, seed=0):
        if not callable(build_model):
            raise TypeError(f"build_model must be callable, got {type(build_model).__name__}")
        check_number("n_rounds", n_rounds, 1, integer=True)
        check_number("seed", seed, 0, integer=True)
        self.build_model, self.n_rounds, self.seed = build_model, n_rounds, seed
        self.learners, self.alphas, self.errors = [], [], []

    def fit(self, x, y, num_classes, **fit_kwargs):
        import keras

        check_number("num_classes", num_classes, 2, integer=True)
        check_paired(x, y)
        y = check_labels("y", y, num_classes)
        fit_kwargs.setdefault("verbose", 0)
        weights = np.full(len(x), 1.0 / len(x))
        self.learners, self.alphas, self.errors = [], [], []
        for i in range(self.n_rounds):
            keras.utils.set_random_seed(self.seed + i)
            model = self.build_model()
            # Keras averages the weighted loss, so scale weights to mean 1 to keep the step size.
            model.fit(x, y, sample_weight=weights * len(x), **fit_kwargs)
            wrong = (model.predict(x, verbose=0).argmax(axis=1) != y).astype("float64")
            error = float(np.sum(weights * wrong))
            if error >= 1 - 1 / num_classes:  # no better than chance: stop boosting
                break
            alpha = samme_alpha(error, num_classes)
            self.learners.append(model)
            self.alphas.append(alpha)
            self.errors.append(error)
            weights = reweight(weights, wrong, alpha)
        self.num_classes = num_classes
        return self

    def decision_scores(self, x):
        """Sum over learners of alpha times the one-hot of each learner's predicted class."""
        if not self.learners:
            raise RuntimeError("call fit() before predicting")
        scores = np.zeros((len(x), self.num_classes))
        for model, alpha in zip(self.learners, self.alphas):
            scores[np.arange(len(x)), model.predict(x, verbose=0).argmax(axis=1)] += alpha
        return scores

    def predict(self, x):
        return self.decision_scores(x).argmax(axis=1)
