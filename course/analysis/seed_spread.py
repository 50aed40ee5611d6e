"""Figures measured over several seeds: their mean and spread, and whether one more run fits them.

The stored full-mode figures of the generative notebooks (GAN recipes, diffusion samplers, the
conditional VAE) come from a few training seeds each. `seed_spread` summarises one figure over
those seeds and gives the 95 % *prediction* interval for a single further run of the same recipe
(Student's t with n - 1 degrees of freedom, widened by sqrt(1 + 1/n) because the new run has its
own noise, not only the mean's). `SeedSpread.place` turns a notebook's own run into a sentence
that says whether it lies inside that interval, or that its setting differs so it cannot be
judged by it: a run is compared with the stored figures through the interval, not by eye.
`seed_difference` compares one figure of two models over their seeds with a 95 % t-interval for
the difference of the means (paired by training seed when both were measured on the same trained
models, as two samplers of one diffusion model are; Welch's otherwise, as for two model
families): its sentence declares a winner only when the interval excludes zero.
`average_records` turns per-seed records (dicts of figures) into one record of means with the
spread and the per-seed values beside them; `record_spread` and `record_difference` read such
records back.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from course.validation import check_array, check_number, check_type


@dataclass(frozen=True)
class SeedSpread:
    """One figure over seeds: the per-seed values, their mean and standard deviation, and the
    `confidence` prediction interval [low, high] for one more run."""

    values: tuple
    confidence: float
    low: float
    high: float

    @property
    def mean(self):
        return float(np.mean(self.values))

    @property
    def std(self):
        return float(np.std(self.values, ddof=1))

    @property
    def n_seeds(self):
        return len(self.values)

    def __str__(self):
        return f"{self.mean:.3g} ± {self.std:.2g} (mean ± sd over {self.n_seeds} seeds)"

    def pm(self, digits=2):
        """ "mean ± sd" with `digits` decimals, for a table cell."""
        return f"{self.mean:.{digits}f} ± {self.std:.{digits}f}"

    def contains(self, value):
        """True when `value` lies inside the prediction interval."""
        return self.low <= value <= self.high

    def place(self, name, value, differs=None):
        """A sentence placing one run's `value` of the figure `name` against the stored seeds.

        `differs` names how the run's setting differs from the stored runs' (for example "a
        fast-mode run, 2 epochs instead of 100"); the sentence then says the two are not
        comparable instead of judging the run by an interval that was not made for it.
        """
        check_type("name", name, str, "a str naming the figure")
        check_number("value", value)
        if differs is not None:
            check_type("differs", differs, str, "None or a str saying how the setting differs")
        interval = f"{self.confidence:.0%} prediction interval {self.low:.3g}–{self.high:.3g}"
        stored = f"the {self.n_seeds} stored full-mode seeds ({self}; {interval})"
        if differs:
            return f"this run's {name} is {value:.3g}, {differs}: not comparable with {stored}"
        if self.contains(value):
            return (
                f"this run's {name}, {value:.3g}, lies inside the range of {stored}: "
                "consistent with them"
            )
        return (
            f"this run's {name}, {value:.3g}, lies outside the range of {stored}: more than "
            "seed-to-seed noise separates them"
        )


def setting_difference(run, stored):
    """None when a run's setting equals the stored runs' (dicts with the same keys, e.g. mode,
    epochs, training images); otherwise the phrase `SeedSpread.place` takes as `differs`."""
    check_type("run", run, Mapping, "a dict of setting name -> value")
    check_type("stored", stored, Mapping, "a dict of setting name -> value")
    if run.keys() != stored.keys():
        raise ValueError(
            f"run and stored must name the same settings, got {list(run)} and {list(stored)}"
        )
    differences = [
        f"{key} {run[key]} (stored: {stored[key]})" for key in run if run[key] != stored[key]
    ]
    return "from a run with " + ", ".join(differences) if differences else None


def seed_spread(values, confidence=0.95):
    """Summarise one figure measured once per seed (at least 2 seeds).

    Returns a `SeedSpread` whose [low, high] is the prediction interval for one more seed:
    mean ± t((1 + confidence) / 2, n - 1) · sd · sqrt(1 + 1/n).
    """
    values = check_array("values", values, ndim=1)
    if len(values) < 2:
        raise ValueError(
            f"values must hold at least 2 seeds' figures (one has no spread), got {len(values)}"
        )
    check_number("confidence", confidence, 0, 1, low_open=True, high_open=True)
    n = len(values)
    half = stats.t.ppf((1 + confidence) / 2, n - 1) * values.std(ddof=1) * np.sqrt(1 + 1 / n)
    mean = float(values.mean())
    return SeedSpread(tuple(float(v) for v in values), confidence, mean - half, mean + half)


@dataclass(frozen=True)
class SeedDifference:
    """`a` minus `b` on `figure` (means over seeds) with its confidence interval."""

    a: str
    b: str
    figure: str
    estimate: float
    low: float
    high: float
    n_seeds: tuple
    paired: bool
    lower_is_better: bool

    @property
    def resolved(self):
        """True when the interval excludes zero."""
        return self.low > 0 or self.high < 0

    def __str__(self):
        seeds = (
            f"{self.n_seeds[0]} seeds, paired"
            if self.paired
            else f"{self.n_seeds[0]} and {self.n_seeds[1]} seeds"
        )
        figures = (
            f"{self.a} minus {self.b}: {self.estimate:+.3g} "
            f"(95% CI {self.low:+.3g} to {self.high:+.3g}, {seeds})"
        )
        if not self.resolved:
            return f"{self.a} and {self.b} are within noise on {self.figure}: {figures}"
        better = (self.estimate < 0) == self.lower_is_better
        return f"{self.a} {'beats' if better else 'trails'} {self.b} on {self.figure}: {figures}"


def seed_difference(
    a, values_a, b, values_b, figure, lower_is_better=True, paired=False, confidence=0.95
):
    """Compare `figure` of model `a` (one value per seed) with model `b`.

    `paired`: the i-th values of both come from the same trained model or seed (a paired t
    interval on the differences); otherwise Welch's t interval for two independent sets of
    seeds. Both from `scipy.stats` (``ttest_rel`` / ``ttest_ind(equal_var=False)``).
    """
    for name, value in (("a", a), ("b", b), ("figure", figure)):
        check_type(name, value, str, "a str")
    values_a = check_array("values_a", values_a, ndim=1)
    values_b = check_array("values_b", values_b, ndim=1)
    check_number("confidence", confidence, 0, 1, low_open=True, high_open=True)
    for name, values in (("values_a", values_a), ("values_b", values_b)):
        if len(values) < 2:
            raise ValueError(f"{name} must hold at least 2 seeds' figures, got {len(values)}")
    if paired and len(values_a) != len(values_b):
        raise ValueError(
            f"paired values must have one value per seed each, got {len(values_a)} and "
            f"{len(values_b)}"
        )
    if paired:
        test = stats.ttest_rel(values_a, values_b)
    else:
        test = stats.ttest_ind(values_a, values_b, equal_var=False)
    interval = test.confidence_interval(confidence)
    estimate = float(values_a.mean() - values_b.mean())
    low, high = float(interval.low), float(interval.high)
    if not np.isfinite(low):  # identical values in both: no spread, the difference is exact
        low = high = estimate
    return SeedDifference(
        a,
        b,
        figure,
        estimate,
        low,
        high,
        (len(values_a), len(values_b)),
        bool(paired),
        bool(lower_is_better),
    )


def record_spread(record, figure):
    """The `SeedSpread` of `figure` in a record written by `average_records`."""
    check_type("record", record, Mapping, "a dict written by average_records")
    per_seed = record.get("per_seed", {})
    if figure not in per_seed:
        raise ValueError(f"figure must be one of {sorted(per_seed)}, got {figure!r}")
    return seed_spread(per_seed[figure])


def record_difference(a, record_a, b, record_b, figure, lower_is_better=True, paired=False):
    """`seed_difference` of `figure` between two records written by `average_records`."""
    values_a, values_b = (record_spread(r, figure).values for r in (record_a, record_b))
    return seed_difference(a, values_a, b, values_b, figure, lower_is_better, paired)


def average_records(records):
    """One record from per-seed records with the same keys: each number becomes the mean over the
    seeds, with ``<key>_std`` (sample standard deviation) beside it and the per-seed values under
    ``per_seed[<key>]``; other values (names, descriptions) must agree and are kept.
    """
    if not isinstance(records, Sequence) or isinstance(records, (str, bytes)):
        raise TypeError(f"records must be a list of dicts, got {type(records).__name__}")
    if len(records) < 2:
        raise ValueError(f"records must hold at least 2 seeds' records, got {len(records)}")
    for i, record in enumerate(records):
        check_type(f"records[{i}]", record, Mapping, "a dict of figures")
    keys = list(records[0])
    for i, record in enumerate(records[1:], 1):
        if list(record) != keys:
            raise ValueError(
                f"records[{i}] has keys {sorted(record)}, records[0] has {sorted(keys)}: every "
                "seed must report the same figures"
            )
    merged, per_seed = {}, {}
    for key in keys:
        column = [record[key] for record in records]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in column):
            per_seed[key] = column
            merged[key] = float(np.mean(column))
            merged[key + "_std"] = float(np.std(column, ddof=1))
        elif all(v == column[0] for v in column):
            merged[key] = column[0]
        else:
            raise ValueError(f"records disagree on {key!r}: {column}")
    merged["per_seed"] = per_seed
    return merged
