"""Label-preservation check: how often a transform changes a trained classifier's prediction,
per class (Session 7 1.4: e.g. heavy rotation turns a 6 into a 9), with a warning when a
class's rate exceeds a threshold."""

import warnings
from dataclasses import dataclass

import numpy as np

from course.validation import (
    check_callable,
    check_examples,
    check_model,
    check_number,
    check_same_length,
)


class LabelChangeWarning(UserWarning):
    """A transform changes the model's prediction too often for some class."""


@dataclass
class LabelCheck:
    """Per-class change rates and, for each class, the class its images most often turn into."""

    change_rate: dict
    turns_into: dict
    threshold: float

    @property
    def flagged(self):
        return tuple(c for c, r in self.change_rate.items() if r > self.threshold)

    def table(self, class_names=None):
        """Printable rows: class, change rate, most frequent new prediction."""
        name = (lambda c: class_names[c]) if class_names is not None else str
        lines = [f"{'class':>6} {'changed':>8}  turns into"]
        for c, rate in self.change_rate.items():
            into = self.turns_into.get(c)
            mark = "  <-- above threshold" if rate > self.threshold else ""
            lines.append(f"{name(c):>6} {rate:8.1%}  {'-' if into is None else name(into)}{mark}")
        return "\n".join(lines)


def label_preservation(model, x, y, transform, copies=3, threshold=0.1, warn=True):
    """Fraction of correctly classified images per class whose prediction the transform changes.

    Each image is transformed `copies` times (``transform(x, training=True)``). Classes whose
    rate exceeds `threshold` raise a `LabelChangeWarning` (unless ``warn=False``).
    """
    check_number("copies", copies, 1, integer=True)
    check_number("threshold", threshold, 0, 1)
    check_model("model", model)
    check_callable("transform", transform, "a layer or a function of an image batch")
    x = check_examples("x", x, ndim=4)
    y = check_examples("y", y, ndim=1)
    check_same_length("x", x=x, y=y)
    clean = np.argmax(model.predict(x, verbose=0), axis=-1)
    keep = clean == y
    x, y = x[keep], y[keep]
    changed = np.zeros(len(y))
    new = []
    for _ in range(copies):
        pred = np.argmax(model.predict(np.asarray(transform(x, training=True)), verbose=0), axis=-1)
        changed += pred != y
        new.append(pred)
    new = np.stack(new, axis=1)
    rate, into = {}, {}
    for c in np.unique(y):
        rows = y == c
        rate[int(c)] = float(changed[rows].sum() / (rows.sum() * copies))
        moved = new[rows][new[rows] != c]
        into[int(c)] = int(np.bincount(moved).argmax()) if moved.size else None
    result = LabelCheck(rate, into, threshold)
    if warn and result.flagged:
        pairs = ", ".join(f"{c}->{into[c]} ({rate[c]:.0%})" for c in result.flagged)
        warnings.warn(
            f"transform changes predictions above {threshold:.0%} for classes: {pairs}; "
            "it may not preserve labels",
            LabelChangeWarning,
            stacklevel=2,
        )
    return result
