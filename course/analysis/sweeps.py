"""Robustness sweeps: a trained model's accuracy, overall and per class, over a severity grid of
each perturbation in `PERTURBATIONS`."""

from dataclasses import dataclass

import numpy as np

from course.analysis.confusion import per_class_accuracy, predict_labels
from course.analysis.perturb import PERTURBATIONS
from course.validation import check_choice, check_examples, check_image_batch, check_same_length


@dataclass(frozen=True)
class SweepResult:
    """Accuracy of one model under one perturbation at each severity (index 0 is the mildest)."""

    perturbation: str
    severities: tuple
    accuracy: np.ndarray  # (S,)
    per_class: np.ndarray  # (S, num_classes)
    clean_accuracy: float

    @property
    def drops(self):
        """Relative accuracy drop at each severity: (clean - accuracy) / clean."""
        return (self.clean_accuracy - self.accuracy) / max(self.clean_accuracy, 1e-12)

    @property
    def worst(self):
        """(severity, relative drop) of the largest drop in the grid."""
        i = int(np.argmax(self.drops))
        return self.severities[i], float(self.drops[i])


def sweep(
    model,
    x,
    y,
    perturbation,
    severities=None,
    seed=0,
    num_classes=None,
    clean_accuracy=None,
    value_range=(0.0, 1.0),
    batch_size=256,
):
    """A `SweepResult` for one perturbation name; `severities` default to its grid.

    `model` is a Keras model or a callable returning class scores. The clean accuracy is
    computed unless given (so `robustness_sweeps` evaluates it once).
    """
    check_choice("perturbation", perturbation, tuple(PERTURBATIONS))
    spec = PERTURBATIONS[perturbation]
    severities = tuple(spec.severities if severities is None else severities)
    if not severities:
        raise ValueError(f"severities must not be empty for {perturbation}")
    x = check_image_batch("x", x)
    y = check_examples("y", y, ndim=1).astype("int64")
    check_same_length("x", x=x, y=y)
    num_classes = num_classes or int(y.max()) + 1
    if clean_accuracy is None:
        clean_accuracy = float(np.mean(predict_labels(model, x, batch_size) == y))
    accuracy, per_class = [], []
    for severity in severities:
        pred = predict_labels(model, spec.apply(x, severity, seed, value_range), batch_size)
        accuracy.append(np.mean(pred == y))
        per_class.append(per_class_accuracy(y, pred, num_classes))
    return SweepResult(
        perturbation, severities, np.asarray(accuracy), np.asarray(per_class), clean_accuracy
    )


def robustness_sweeps(
    model, x, y, grids=None, seed=0, num_classes=None, value_range=(0.0, 1.0), batch_size=256
):
    """{name: SweepResult} for every perturbation in `grids` (default: all, default grids).

    `grids` maps perturbation names to severity sequences (None: that perturbation's default).
    """
    grids = {name: None for name in PERTURBATIONS} if grids is None else dict(grids)
    x = check_image_batch("x", x)
    y = check_examples("y", y, ndim=1).astype("int64")
    check_same_length("x", x=x, y=y)
    clean = float(np.mean(predict_labels(model, x, batch_size) == y))
    return {
        name: sweep(
            model,
            x,
            y,
            name,
            severities,
            seed=seed,
            num_classes=num_classes,
            clean_accuracy=clean,
            value_range=value_range,
            batch_size=batch_size,
        )
        for name, severities in grids.items()
    }


def plot_sweeps(results, axes=None):
    """Accuracy against severity, one panel per perturbation, clean accuracy dashed."""
    import matplotlib.pyplot as plt

    if axes is None:
        axes = plt.subplots(1, len(results), figsize=(3 * len(results), 2.8), squeeze=False)[1][0]
    for ax, (name, result) in zip(axes, results.items()):
        ax.plot(result.severities, result.accuracy, "o-")
        ax.axhline(result.clean_accuracy, color="gray", linestyle="--", linewidth=1)
        ax.set_title(name)
        ax.set_xlabel(PERTURBATIONS[name].unit)
        ax.set_ylim(0, 1.05)
    axes[0].set_ylabel("accuracy")
    axes[0].figure.tight_layout()
    return axes
