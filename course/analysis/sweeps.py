"""Robustness sweeps: a trained model's accuracy, overall and per class, over a severity grid of
each perturbation in `PERTURBATIONS`; and `compare_robustness`, arms of models over seeds scored
item by item under each perturbation, with the comparison module's intervals and verdicts."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from course.analysis.comparison import compare
from course.analysis.confusion import per_class_accuracy, predict_labels
from course.analysis.perturb import PERTURBATIONS
from course.validation import (
    check_choice,
    check_examples,
    check_image_batch,
    check_number,
    check_same_length,
)


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
    """{name: SweepResult} for every perturbation in `grids` (default: every perturbation marked
    `default`, on its default grid).

    `grids` maps perturbation names to severity sequences (None: that perturbation's default).
    """
    if grids is None:
        grids = {name: None for name, spec in PERTURBATIONS.items() if spec.default}
    grids = dict(grids)
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


def _model_arms(arms):
    """{name: tuple of models}, every arm with the same number (>= 2) of models, one per seed."""
    if not isinstance(arms, Mapping):
        raise TypeError(
            f"arms must be a dict of name -> list of models (one per seed), got "
            f"{type(arms).__name__}"
        )
    out = {}
    for name, models in arms.items():
        if not isinstance(models, Sequence) or isinstance(models, str):
            raise TypeError(
                f"arms[{name!r}] must be a list of models (one per seed), got "
                f"{type(models).__name__}"
            )
        out[name] = tuple(models)
    counts = {name: len(models) for name, models in out.items()}
    if len(set(counts.values())) > 1 or min(counts.values(), default=0) < 2:
        raise ValueError(
            f"arms must hold the same number of models (seeds), at least 2, each, got {counts}"
        )
    return out


def _conditions(conditions):
    """((perturbation, severity), ...) checked: known names, severities >= 0, no repeats."""
    if not isinstance(conditions, Sequence) or isinstance(conditions, str) or not conditions:
        raise TypeError(
            f"conditions must be a non-empty list of (perturbation, severity) pairs, got "
            f"{conditions!r}"
        )
    out = []
    for i, condition in enumerate(conditions):
        if not isinstance(condition, Sequence) or len(condition) != 2:
            raise TypeError(
                f"conditions must hold (perturbation, severity) pairs, got {condition!r}"
            )
        name, severity = condition
        check_choice(f"conditions[{i}] perturbation", name, tuple(PERTURBATIONS))
        out.append((name, check_number(f"conditions[{i}] severity", severity, 0)))
    if len(set(out)) != len(out):
        raise ValueError(f"conditions must not repeat a (perturbation, severity) pair: {out}")
    return tuple(out)


def compare_robustness(arms, x, y, conditions, *, seed=0, batch_size=256, **options):
    """Compare arms of trained models under each perturbation: {(name, severity): Comparison}.

    `arms` maps an arm name to its models, one per seed (the same number in every arm);
    `conditions` lists (perturbation name, severity) pairs, severity 0 being the clean images.
    Each condition perturbs `x` once (seeded by `seed`), so every model is scored on the same
    perturbed items; each model's per-item correctness goes to `course.analysis.compare`
    (`options`: fast, prefer, higher_is_better, confidence, ...), which gives each arm's
    accuracy over seeds and each difference's interval.
    """
    arms = _model_arms(arms)
    conditions = _conditions(conditions)
    x = check_image_batch("x", x)
    y = check_examples("y", y, ndim=1).astype("int64")
    check_same_length("x", x=x, y=y)
    out = {}
    for name, severity in conditions:
        perturbed = PERTURBATIONS[name].apply(x, severity, seed)
        out[(name, severity)] = compare(
            {
                arm: np.stack([predict_labels(m, perturbed, batch_size) == y for m in models])
                for arm, models in arms.items()
            },
            **options,
        )
    return out


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
