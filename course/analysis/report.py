"""The error-analysis report: which perturbations hurt a model, by how much, which classes
suffer, and which augmentation to add for each."""

from dataclasses import dataclass, field

import numpy as np

from course.analysis.confusion import confusion_matrix, most_confused, predict_labels
from course.analysis.perturb import PERTURBATIONS
from course.analysis.sweeps import robustness_sweeps
from course.validation import check_examples, check_image_batch, check_number, check_same_length


@dataclass(frozen=True)
class Recommendation:
    """Add `layer` because accuracy falls by `drop` (relative) already at `severity`."""

    perturbation: str
    severity: float
    clean_accuracy: float
    accuracy: float
    drop: float
    worst_drop: float
    layer: str
    augment_name: str

    def __str__(self):
        """The drop at `severity`, and the worst drop of the sweep, which orders recommendations."""
        where = PERTURBATIONS[self.perturbation].describe(self.severity)
        return (
            f"accuracy drops {self.drop:.0%} under {where} "
            f"({self.clean_accuracy:.2f} -> {self.accuracy:.2f}; "
            f"at worst {self.worst_drop:.0%} over the sweep) -> add {self.layer}"
        )


def recommend(results, threshold=0.1):
    """One `Recommendation` per perturbation whose relative drop reaches `threshold`, worst first.

    The suggested range is the mildest severity at which the drop reaches the threshold: train
    at least that far, wider only as long as the transform keeps labels valid.
    """
    check_number("threshold", threshold, 0, 1, low_open=True)
    out = []
    for name, result in results.items():
        hits = np.flatnonzero(result.drops >= threshold)
        if hits.size == 0:
            continue
        i = int(hits[0])
        severity = result.severities[i]
        spec = PERTURBATIONS[name]
        out.append(
            Recommendation(
                name,
                severity,
                result.clean_accuracy,
                float(result.accuracy[i]),
                float(result.drops[i]),
                result.worst[1],
                spec.layer(severity),
                spec.augment_name,
            )
        )
    return sorted(out, key=lambda r: -r.worst_drop)


@dataclass
class ErrorReport:
    """Sweeps, recommendations and the clean confusion matrix of one model on one test set."""

    clean_accuracy: float
    sweeps: dict
    recommendations: list
    confusion: np.ndarray
    class_names: tuple = field(default=())

    @property
    def worst(self):
        """The perturbation with the largest relative accuracy drop in its grid (None: no drop)."""
        name = max(self.sweeps, key=lambda n: self.sweeps[n].worst[1])
        return name if self.sweeps[name].worst[1] > 0 else None

    @property
    def per_class_accuracy(self):
        support = self.confusion.sum(axis=1)
        return np.diag(self.confusion) / np.maximum(support, 1)

    def most_affected_classes(self, perturbation, k=3):
        """(class name, clean accuracy, accuracy at the worst severity) of the `k` hardest-hit
        classes."""
        result = self.sweeps[perturbation]
        worst = int(np.argmax(result.drops))
        clean = self.per_class_accuracy
        loss = np.nan_to_num(clean - result.per_class[worst], nan=-1.0)
        order = np.argsort(-loss, kind="stable")[:k]
        return [
            (self.class_names[c], float(clean[c]), float(result.per_class[worst][c])) for c in order
        ]

    def __str__(self):
        lines = [f"clean accuracy {self.clean_accuracy:.3f}", "accuracy under each perturbation:"]
        for name, result in self.sweeps.items():
            cells = "  ".join(f"{s:g}: {a:.2f}" for s, a in zip(result.severities, result.accuracy))
            lines.append(f"  {f'{name} ({PERTURBATIONS[name].unit})':<27} {cells}")
        if self.worst is None:
            lines.append("hurts most: nothing (no accuracy drop on this grid)")
        else:
            severity, drop = self.sweeps[self.worst].worst
            where = PERTURBATIONS[self.worst].describe(severity)
            lines.append(f"hurts most: {self.worst} (drop {drop:.0%} under {where})")
            affected = ", ".join(
                f"{n} {a:.2f}->{b:.2f}" for n, a, b in self.most_affected_classes(self.worst)
            )
            lines.append(f"  classes hit hardest: {affected}")
        lines.append(
            "recommendations:"
            if self.recommendations
            else "recommendations: none (robust on this grid)"
        )
        lines += [f"  - {r}" for r in self.recommendations]
        pairs = most_confused(self.confusion, self.class_names, k=3)
        if pairs:
            lines.append(
                "most confused (true -> predicted): "
                + ", ".join(f"{t}->{p} ({n})" for t, p, n in pairs)
            )
        return "\n".join(lines)


def error_report(
    model,
    x,
    y,
    grids=None,
    threshold=0.1,
    seed=0,
    class_names=None,
    value_range=(0.0, 1.0),
    batch_size=256,
):
    """Run `robustness_sweeps`, then `recommend`, and add the clean confusion matrix."""
    x = check_image_batch("x", x)
    y = check_examples("y", y, ndim=1).astype("int64")
    check_same_length("x", x=x, y=y)
    num_classes = len(class_names) if class_names else int(y.max()) + 1
    names = tuple(class_names) if class_names else tuple(str(c) for c in range(num_classes))
    sweeps = robustness_sweeps(
        model,
        x,
        y,
        grids=grids,
        seed=seed,
        num_classes=num_classes,
        value_range=value_range,
        batch_size=batch_size,
    )
    cm = confusion_matrix(y, predict_labels(model, x, batch_size), num_classes)
    clean = next(iter(sweeps.values())).clean_accuracy
    return ErrorReport(clean, sweeps, recommend(sweeps, threshold), cm, names)
