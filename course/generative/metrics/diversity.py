"""Within-class diversity in feature space: the mode collapse that class coverage cannot see.

A conditional generator that draws one near-identical digit per class covers all classes with
high conditional accuracy. Its samples of one class are, however, close together in the
reference classifier's feature space. `within_class_diversity` compares the mean pairwise
feature distance within each class of generated samples with the same figure for real digits:
a ratio near 1 matches the real spread, a ratio near 0 is within-class collapse.
"""

from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import pdist


@dataclass(frozen=True)
class Diversity:
    """Per-class mean pairwise feature distances of generated and real samples, and their ratio.

    `classes` lists the classes scored (each with at least two generated and two real samples);
    `ratio` is the mean over those classes of generated / real.
    """

    classes: np.ndarray
    generated: np.ndarray
    real: np.ndarray

    @property
    def per_class(self):
        """Generated / real mean pairwise distance, one per class in `classes`."""
        return self.generated / self.real

    @property
    def ratio(self):
        """The mean of `per_class`: 1 matches the real within-class spread, 0 is collapse."""
        return float(np.mean(self.per_class))

    def __str__(self):
        low = int(self.classes[np.argmin(self.per_class)])
        return (
            f"within-class diversity {self.ratio:.2f}x real "
            f"(lowest: class {low}, {self.per_class.min():.2f}x)"
        )


def _mean_pairwise(features):
    return float(pdist(features).mean())


def within_class_diversity(features, labels, real_features, real_labels):
    """`Diversity` of generated `features` (rows) with their requested `labels` against real
    features with their true labels; only classes with two or more rows on both sides count."""
    features, real_features = np.asarray(features, "float64"), np.asarray(real_features, "float64")
    labels, real_labels = np.asarray(labels).reshape(-1), np.asarray(real_labels).reshape(-1)
    for name, f, lab in (("labels", features, labels), ("real_labels", real_features, real_labels)):
        if len(lab) != len(f):
            raise ValueError(f"{name} must hold one label per feature row: {len(lab)} for {len(f)}")
    classes = [
        c for c in np.unique(labels) if np.sum(labels == c) >= 2 and np.sum(real_labels == c) >= 2
    ]
    if not classes:
        raise ValueError("no class has at least two generated and two real samples")
    generated = np.array([_mean_pairwise(features[labels == c]) for c in classes])
    real = np.array([_mean_pairwise(real_features[real_labels == c]) for c in classes])
    return Diversity(np.asarray(classes), generated, real)
