"""One evaluation protocol for every generative model of the course (GANs, VAEs, diffusion).

A score means something only next to what real data scores under the same conditions. The
`EvaluationProtocol` fixes those conditions once:
- the *reference set*: `reference_size` real digits drawn (seeded) from all 1797 of
  scikit-learn's digits (`course.data.load_digits`); every generated sample is compared with it;
- the *floor pool*: the remaining 1000 real digits, disjoint from the reference set;
- the default *sample size* `samples` (callers with a smaller budget pass their own);
- the *feature extractor*: the frozen reference classifier's 64 penultimate features.

`evaluate` scores n generated images against the reference set (FID, KID with its standard
error, and for conditional models coverage, conditional accuracy and within-class diversity),
and scores n real digits from the floor pool in exactly the same way: that real-versus-real
*floor* is printed next to every score, so a FID or KID is read against it, not on its own.
`DEFAULT_PROTOCOL` is the instance the notebooks, quality modules and benchmarks use.
"""

import functools
from dataclasses import dataclass

import numpy as np

from course.generative.metrics.diversity import Diversity, within_class_diversity
from course.generative.metrics.fid import frechet_distance_from_stats, gaussian_stats
from course.generative.metrics.kid import kernel_inception_distance
from course.generative.metrics.reference import (
    Coverage,
    check_images,
    classifier_features,
    coverage_from_labels,
    forward,
)
from course.validation import check_number

ALL_DIGITS = 1797  # scikit-learn's digits


@dataclass(frozen=True)
class EvaluationProtocol:
    """Reference set, floor pool, sample size and feature extractor of every generative score.

    `classifier_path` is the reference classifier's weights file (None: the shipped one); `seed`
    draws the reference set and the KID subsets.
    """

    reference_size: int = 797
    samples: int = 1000
    kid_subset_size: int = 50
    seed: int = 0
    classifier_path: str | None = None

    def __post_init__(self):
        check_number("reference_size", self.reference_size, 2, ALL_DIGITS - 4, integer=True)
        check_number("samples", self.samples, 4, self.floor_pool_size, integer=True)
        check_number("kid_subset_size", self.kid_subset_size, 2, integer=True)
        check_number("seed", self.seed, 0, integer=True)

    @property
    def floor_pool_size(self):
        """How many real digits lie outside the reference set (the largest sample size)."""
        return ALL_DIGITS - self.reference_size

    def reference(self):
        """(features, labels) of the reference set."""
        return _reference(self)

    def floor(self, samples=None):
        """The real-versus-real `Evaluation` of `samples` held-out real digits (default
        `self.samples`), with their true labels as the requested ones."""
        return _floor(self, self._check_samples(samples or self.samples))

    def evaluate(self, images, labels=None):
        """`Evaluation` of generated `images` (requested `labels` for a conditional model)
        against the reference set, with the floor measured at the same sample size."""
        n = self._check_samples(len(check_images(images)))
        return _score(self, images, labels, floor=self.floor(n))

    def _check_samples(self, n):
        return check_number("samples", n, 4, self.floor_pool_size, integer=True)


DEFAULT_PROTOCOL = EvaluationProtocol()


def evaluate(images, labels=None, protocol=DEFAULT_PROTOCOL):
    """`protocol.evaluate(images, labels)`: the course's one way to score generated digits."""
    return protocol.evaluate(images, labels)


@dataclass(frozen=True)
class Evaluation:
    """Scores of one sample under an `EvaluationProtocol`, and the real-versus-real floor.

    `kid_se` is KID's standard error. For conditional models `conditional_accuracy` and
    `diversity` (a `Diversity`) are set; `floor` is the real-data `Evaluation` of the
    same size (None for the floor itself).
    """

    samples: int
    fid: float
    kid: float
    kid_se: float
    coverage: "Coverage"
    conditional_accuracy: float | None = None
    diversity: "Diversity | None" = None
    floor: "Evaluation | None" = None

    def as_dict(self):
        """Flat dict of every figure (``floor_fid``, ``floor_kid``, ... for the floor)."""
        row = {
            "samples": self.samples,
            "fid": self.fid,
            "kid": self.kid,
            "kid_se": self.kid_se,
            "classes_covered": self.coverage.classes_covered,
            "entropy": self.coverage.entropy,
            "normalized_entropy": self.coverage.normalized_entropy,
        }
        if self.conditional_accuracy is not None:
            row["conditional_accuracy"] = self.conditional_accuracy
            row["diversity_ratio"] = self.diversity.ratio
        if self.floor is not None:
            row.update({f"floor_{k}": self.floor.as_dict()[k] for k in ("fid", "kid", "kid_se")})
        return row

    def __str__(self):
        text = f"n={self.samples}: FID {self.fid:.2f}"
        if self.floor is not None:
            text += f" (floor {self.floor.fid:.2f})"
        text += f" | KID {self.kid:.3f} ± {self.kid_se:.3f}"
        if self.floor is not None:
            text += f" (floor {self.floor.kid:.3f} ± {self.floor.kid_se:.3f})"
        text += f" | {self.coverage.classes_covered}/{len(self.coverage.histogram)} classes"
        if self.conditional_accuracy is not None:
            text += f" | cond. acc. {self.conditional_accuracy:.2f} | {self.diversity}"
        return text


@functools.lru_cache(maxsize=1)
def _all_digits():
    """All of scikit-learn's digits (the three parts of `course.data.load_digits` pooled)."""
    from course.data import load_digits

    data = load_digits(max_samples=ALL_DIGITS)
    x = np.concatenate([data.x_train, data.x_val, data.x_test])
    y = np.concatenate([data.y_train, data.y_val, data.y_test])
    return x, y


def _split(protocol):
    """(reference indices, floor-pool indices) into `_all_digits`, drawn with the protocol seed."""
    order = np.random.default_rng(protocol.seed).permutation(ALL_DIGITS)
    return order[: protocol.reference_size], order[protocol.reference_size :]


@functools.lru_cache(maxsize=4)
def _reference(protocol):
    x, y = _all_digits()
    keep = _split(protocol)[0]
    return classifier_features(x[keep], protocol.classifier_path), y[keep]


@functools.lru_cache(maxsize=16)
def _floor(protocol, n):
    x, y = _all_digits()
    keep = _split(protocol)[1][:n]
    return _score(protocol, x[keep], y[keep], floor=None)


def _score(protocol, images, labels, floor):
    path = protocol.classifier_path
    features, logits = forward(images, path)
    ref_features, ref_labels = protocol.reference()
    subset = min(protocol.kid_subset_size, len(features) // 2)
    kid, kid_se = kernel_inception_distance(features, ref_features, subset, protocol.seed)
    fid = frechet_distance_from_stats(*gaussian_stats(features), *gaussian_stats(ref_features))
    predicted = logits.argmax(axis=1)
    accuracy = diversity = None
    if labels is not None:
        labels = np.asarray(labels).reshape(-1)
        if len(labels) != len(features):
            raise ValueError(
                f"labels must hold one label per image: {len(labels)} for {len(features)}"
            )
        accuracy = float(np.mean(predicted == labels))
        diversity = within_class_diversity(features, labels, ref_features, ref_labels)
    return Evaluation(
        len(features),
        fid,
        kid,
        kid_se,
        coverage_from_labels(predicted),
        accuracy,
        diversity,
        floor,
    )
