"""k-fold cross-validation of a Keras model: every sample is validated on exactly once.

With little data one validation split is a noisy estimate; k folds give k estimates whose
mean is steadier and whose spread says how much a single split could have misled you.
"""

from dataclasses import dataclass

import numpy as np

from course.validation import check_callable, check_examples, check_number, check_same_length


@dataclass(frozen=True)
class KFoldResult:
    """Per-fold validation metrics (name -> array of k values) and the folds' index arrays."""

    scores: dict
    folds: tuple

    def mean(self, metric="loss"):
        return float(np.mean(self.scores[metric]))

    def std(self, metric="loss"):
        return float(np.std(self.scores[metric], ddof=1)) if len(self.folds) > 1 else 0.0

    def __str__(self):
        parts = [f"{name} {self.mean(name):.4f} +/- {self.std(name):.4f}" for name in self.scores]
        return f"{len(self.folds)}-fold: " + ", ".join(parts)


def kfold_evaluate(
    build_model, x, y, k=5, epochs=10, batch_size=32, stratify=True, seed=0, **fit_kwargs
):
    """Train a fresh `build_model()` on k-1 folds and evaluate it on the held-out fold, k times.

    `build_model` must return a compiled model (a new one each call). Folds are shuffled with
    `seed` and stratified by label when `stratify` (classification). Extra keyword arguments
    go to `model.fit` (callbacks, ...). Returns a `KFoldResult`.
    """
    import keras
    from sklearn.model_selection import KFold, StratifiedKFold

    check_callable("build_model", build_model, "a function returning a compiled keras.Model")
    x, y = check_examples("x", x), check_examples("y", y)
    check_same_length("x", x=x, y=y)
    check_number("k", k, 2, len(x), integer=True)
    check_number("epochs", epochs, 1, integer=True)
    splitter = (StratifiedKFold if stratify else KFold)(n_splits=k, shuffle=True, random_state=seed)
    scores, folds = {}, []
    for i, (train, val) in enumerate(splitter.split(x, y if stratify else None)):
        keras.utils.set_random_seed(seed + i)
        model = build_model()
        if not getattr(model, "compiled", False) and getattr(model, "optimizer", None) is None:
            raise ValueError("build_model must return a compiled model")
        model.fit(x[train], y[train], epochs=epochs, batch_size=batch_size, verbose=0, **fit_kwargs)
        logs = model.evaluate(x[val], y[val], batch_size=batch_size, verbose=0, return_dict=True)
        for name, value in logs.items():
            scores.setdefault(name, []).append(float(value))
        folds.append(val)
    return KFoldResult({n: np.array(v) for n, v in scores.items()}, tuple(folds))
