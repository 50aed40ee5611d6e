"""Comparisons that hold up: arms run over several seeds, scored on the same items, and every
difference reported with a 95 % interval before any sentence declares a winner.

`run_arms` trains/evaluates each arm once per seed and stacks the per-item results (correctness
or a score/loss per item) into arrays of shape (seeds, items); `compare` summarises them. Each
arm gets its mean and its spread over seeds; each pair gets its difference with an interval:

- per-item correctness (0/1): the exact McNemar test on the discordant pairs (item i under seed s
  right for one arm and wrong for the other), with the exact (Clopper-Pearson) interval for the
  share of discordant pairs A wins, turned into an interval for the accuracy difference;
- per-item scores or losses: a paired bootstrap that resamples seeds and items together.

The verdict sentence says "A beats B by ..." only when the interval excludes zero, and "A and B
are within noise (...)" otherwise; the ranking orders only arms whose differences are resolved.
"""

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from course.table import Table
from course.validation import check_array, check_choice, check_number, check_seed

KINDS = ("correct", "score")


@dataclass(frozen=True, eq=False)
class ArmSummary:
    """One arm's mean over seeds and items, and the spread of its per-seed means."""

    name: str
    per_seed: np.ndarray  # the mean over items, one value per seed

    @property
    def mean(self):
        return float(self.per_seed.mean())

    @property
    def std(self):
        return float(self.per_seed.std(ddof=1))


@dataclass(frozen=True)
class Difference:
    """`a` minus `b` (mean over seeds and items) with its interval; `p_value` for McNemar only."""

    a: str
    b: str
    estimate: float
    low: float
    high: float
    p_value: float | None

    @property
    def resolved(self):
        """True when the interval excludes zero."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True, eq=False)
class Comparison:
    """The result of `compare`: per-arm summaries, pairwise differences and verdict sentences.

    `str()` prints the table of arms, the table of differences, then the ranking sentence.
    """

    arms: tuple
    differences: tuple
    kind: str
    n_items: int
    higher_is_better: bool
    confidence: float
    fast: bool
    prefer: tuple | None

    @property
    def names(self):
        return tuple(arm.name for arm in self.arms)

    @property
    def n_seeds(self):
        return len(self.arms[0].per_seed)

    def _check_name(self, argument, name):
        if name not in self.names:
            raise ValueError(f"{argument} must be one of the arms {list(self.names)}, got {name!r}")

    def arm(self, name):
        """The `ArmSummary` of arm `name`."""
        self._check_name("name", name)
        return self.arms[self.names.index(name)]

    def difference(self, a, b):
        """The `Difference` a - b (either order: the stored pair is flipped if needed)."""
        self._check_name("a", a)
        self._check_name("b", b)
        if a == b:
            raise ValueError(f"a and b must name two different arms, got {a!r} twice")
        for d in self.differences:
            if (d.a, d.b) == (a, b):
                return d
            if (d.a, d.b) == (b, a):
                return Difference(a, b, -d.estimate, -d.high, -d.low, d.p_value)
        raise AssertionError("every pair of arms has a difference")

    def _better(self, d):
        """True when `d.a` is better than `d.b` by the point estimate (in the metric's sense)."""
        return d.estimate > 0 if self.higher_is_better else d.estimate < 0

    def _tail(self):
        seeds = f"{self.n_seeds} seeds"
        return f"{seeds}, fast mode" if self.fast else seeds

    def verdict(self, a, b):
        """ "A beats B by x (95 % CI lo to hi, n seeds)" when the interval excludes zero, else
        "A and B are within noise (difference x, 95 % CI lo to hi, n seeds)". The winner is the
        arm with the higher mean (lower, when `higher_is_better` is False: a loss)."""
        d = self.difference(a, b)
        level = f"{self.confidence:.0%}".replace("%", " %")
        if not d.resolved:
            return (
                f"{a} and {b} are within noise (difference {d.estimate:.3f}, "
                f"{level} CI {d.low:.3f} to {d.high:.3f}, {self._tail()})"
            )
        if not self._better(d):
            d = self.difference(b, a)
        gap = abs(d.estimate)
        low, high = sorted((abs(d.low), abs(d.high)))
        return (
            f"{d.a} beats {d.b} by {gap:.3f} ({level} CI {low:.3f} to {high:.3f}, {self._tail()})"
        )

    def verdicts(self):
        """One verdict sentence per pair of arms, in the order the arms were given."""
        return [self.verdict(a, b) for a, b in itertools.combinations(self.names, 2)]

    def _ordered(self):
        sign = 1 if self.higher_is_better else -1
        return sorted(self.names, key=lambda name: -sign * self.arm(name).mean)

    def tiers(self):
        """The arms in groups, best group first: a later group's every arm is resolved-worse than
        every arm of every earlier group; arms inside a group are not separated."""
        order = self._ordered()
        cuts = [
            k
            for k in range(1, len(order))
            if all(self.difference(i, j).resolved for i in order[:k] for j in order[k:])
        ]
        bounds = [0, *cuts, len(order)]
        return [tuple(order[s:e]) for s, e in zip(bounds, bounds[1:])]

    def _beaten(self, name, among):
        """True when some arm of `among` is resolved-better than `name`."""
        return any(
            self.difference(other, name).resolved and self._better(self.difference(other, name))
            for other in among
            if other != name
        )

    def _resolved_inside(self, tiers):
        """The resolved pairs inside groups (groups are cut only where every pair across the cut
        is resolved, so a group can still hold one arm resolved-better than another)."""
        return [
            self.difference(a, b)
            for tier in tiers
            for a, b in itertools.combinations(tier, 2)
            if self.difference(a, b).resolved
        ]

    def best(self):
        """The arm to pick: among the best group's arms that no arm of the group beats, the first
        in `prefer` if given, else the one with the best mean (a tie-break, not a resolved
        difference: see `ranking`)."""
        top = self.tiers()[0]
        unbeaten = [name for name in top if not self._beaten(name, top)]
        if self.prefer is not None:
            return min(unbeaten, key=self.prefer.index)
        return unbeaten[0]

    def ranking(self):
        """A sentence ordering only resolved differences, with the tie-break rule when needed."""
        tiers = self.tiers()
        if len(self.arms) == 2:
            return self.verdict(*self.names)
        words = [t[0] if len(t) == 1 else "{" + ", ".join(t) + "}" for t in tiers]
        inside = self._resolved_inside(tiers)
        if len(tiers) == 1 and not inside:
            sentence = f"{_join(self.names)} are all within noise of one another ({self._tail()})"
        elif len(tiers) == 1:
            sentence = f"{_join(self.names)} do not fall into ordered groups ({self._tail()})"
        else:
            sentence = f"Ranking ({self._tail()}): " + " > ".join(words)
            if any(len(t) > 1 for t in tiers):
                sentence += "; arms inside one pair of braces are not ordered among themselves"
        if inside:
            pairs = "; ".join(self.verdict(d.a, d.b) for d in inside)
            sentence += f"; resolved within {'them' if len(tiers) == 1 else 'braces'}: {pairs}"
        candidates = [name for name in tiers[0] if not self._beaten(name, tiers[0])]
        if len(candidates) == 1:
            return sentence + "."
        if self.prefer is not None:
            rule = f"the first in the stated order of preference ({', '.join(self.prefer)})"
        else:
            rule = "the best mean, which is not itself a resolved difference"
        return f"{sentence}. Tie-break: among {_join(candidates)} we pick {rule}: {self.best()}."

    def tables(self):
        """(arms table, differences table) as `Table`s."""
        arms = Table(
            tuple(
                {
                    "arm": arm.name,
                    "mean": arm.mean,
                    "std": arm.std,
                    "min": float(arm.per_seed.min()),
                    "max": float(arm.per_seed.max()),
                }
                for arm in self.arms
            )
        )
        rows = []
        for d in self.differences:
            row = {"difference": f"{d.a} - {d.b}", "estimate": d.estimate}
            row.update(
                {"ci low": d.low, "ci high": d.high, "resolved": "yes" if d.resolved else "no"}
            )
            if self.kind == "correct":
                row["McNemar p"] = f"{d.p_value:.3g}"
            rows.append(row)
        return arms, Table(tuple(rows))

    def __str__(self):
        arms, differences = self.tables()
        what = "accuracy" if self.kind == "correct" else "score"
        head = f"{what} over {self.n_seeds} seeds on {self.n_items} items"
        head += " (fast mode)" if self.fast else ""
        return f"{head}\n{arms}\n\n{differences}\n\n{self.ranking()}"


def _join(names):
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def run_arms(arms, seeds):
    """Call every ``arms[name](seed)`` for every seed; returns {name: array (seeds, items)}.

    Each call returns the arm's per-item results on the evaluation items (correctness or a
    score/loss per item), the same items for every arm and seed.
    """
    if not isinstance(arms, Mapping):
        raise TypeError(f"arms must be a dict of name -> callable(seed), got {type(arms).__name__}")
    seeds = _seeds(seeds)
    for name, arm in arms.items():
        if not callable(arm):
            raise TypeError(f"arms[{name!r}] must be a callable(seed), got {type(arm).__name__}")
    _check_arm_count(arms)
    results = {}
    for name, arm in arms.items():
        rows = [check_array(f"arms[{name!r}]({seed})", arm(seed), ndim=1) for seed in seeds]
        lengths = {len(row) for row in rows}
        if len(lengths) > 1:
            raise ValueError(
                f"arms[{name!r}] must return the same number of items for every seed, "
                f"got {[len(row) for row in rows]} for seeds {list(seeds)}"
            )
        results[name] = np.stack(rows)
    return results


def _seeds(seeds):
    if not isinstance(seeds, Sequence) or isinstance(seeds, str):
        raise TypeError(f"seeds must be a sequence of ints, got {seeds!r}")
    for seed in seeds:
        check_number("seeds", seed, 0, integer=True)
    if len(seeds) < 2:
        raise ValueError(
            f"seeds must hold at least 2 seeds: one seed has no spread to judge a difference "
            f"by, got {list(seeds)}"
        )
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be different from each other, got {list(seeds)}")
    return tuple(seeds)


def _check_arm_count(arms):
    if len(arms) < 2:
        raise ValueError(f"arms must hold at least 2 arms to compare, got {list(arms)}")


def _results(results):
    """{name: float array (seeds, items)} checked: equal shapes, >= 2 seeds, >= 1 item."""
    if not isinstance(results, Mapping):
        raise TypeError(
            f"results must be a dict of name -> array (seeds, items), got {type(results).__name__}"
        )
    _check_arm_count(results)
    arrays = {name: check_array(f"results[{name!r}]", v, ndim=2) for name, v in results.items()}
    first, shape = next(iter(arrays.items()))[0], next(iter(arrays.values())).shape
    for name, array in arrays.items():
        if array.shape != shape:
            raise ValueError(
                f"results[{name!r}] must have the shape of results[{first!r}] (the same seeds and "
                f"the same items), got {array.shape} and {shape}"
            )
    if shape[0] < 2:
        raise ValueError(
            f"results need at least 2 seeds (rows): one seed has no spread, got shape {shape}"
        )
    if shape[1] < 1:
        raise ValueError(f"results need at least one item (column), got shape {shape}")
    return arrays


def _kind(kind, arrays):
    binary = all(np.isin(a, (0, 1)).all() for a in arrays.values())
    if kind is None:
        return "correct" if binary else "score"
    check_choice("kind", kind, KINDS)
    if kind == "correct" and not binary:
        raise ValueError("kind='correct' needs per-item correctness of 0/1 (or bool) only")
    return kind


def mcnemar(a, b, confidence=0.95):
    """Exact McNemar test of two (seeds, items) 0/1 correctness arrays, paired cell by cell.

    Returns (difference, low, high, p_value): the accuracy difference a - b, its exact
    conditional interval (Clopper-Pearson on the share of discordant pairs `a` wins, scaled by
    the discordant share) and the two-sided exact binomial p-value on the discordant pairs. The
    verdict follows the interval. Pooling counts every (seed, item) cell as one pair, so it does
    not see a seed that moves all items together: when the arms' spread over seeds is as large
    as their difference, compare with ``kind="score"`` (the bootstrap resamples seeds too).
    """
    from scipy.stats import binomtest

    wins = int(np.sum((a == 1) & (b == 0)))
    losses = int(np.sum((a == 0) & (b == 1)))
    discordant, total = wins + losses, a.size
    if discordant == 0:
        return 0.0, 0.0, 0.0, 1.0
    test = binomtest(wins, discordant, 0.5)
    ci = test.proportion_ci(confidence_level=confidence, method="exact")
    share = discordant / total
    return (wins - losses) / total, share * (2 * ci.low - 1), share * (2 * ci.high - 1), test.pvalue


def paired_bootstrap(a, b, confidence=0.95, n_resamples=2000, seed=0):
    """Percentile bootstrap interval of mean(a - b) for two (seeds, items) arrays, resampling
    seeds and items independently (a crossed bootstrap), the same draws for both arms.

    Both axes are sources of noise: a seed moves every item of a run together, an item is one
    draw from the population. `scipy.stats.bootstrap` resamples one axis (a `paired` sample
    shares its indices along that axis), so it cannot resample both here. Returns
    (difference, low, high).
    """
    diff = a - b
    n_seeds, n_items = diff.shape
    rng = np.random.default_rng(seed)
    stats = []
    for start in range(0, n_resamples, 200):
        size = min(200, n_resamples - start)
        # Resampling with replacement = multinomial counts; mean = counts_s @ diff @ counts_i.
        seed_counts = rng.multinomial(n_seeds, np.full(n_seeds, 1 / n_seeds), size=size)
        item_counts = rng.multinomial(n_items, np.full(n_items, 1 / n_items), size=size)
        stats.append(((seed_counts @ diff) * item_counts).sum(axis=1) / diff.size)
    stats = np.concatenate(stats)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(stats, [tail, 100 - tail])
    return float(diff.mean()), float(low), float(high)


def compare(
    results,
    *,
    kind=None,
    higher_is_better=True,
    fast=False,
    prefer=None,
    confidence=0.95,
    n_resamples=2000,
    seed=0,
):
    """Summarise arms scored on the same items over the same number of seeds.

    Args:
        results: {arm name: array (seeds, items)} of per-item correctness (0/1 or bool) or
            scores/losses, e.g. from `run_arms` or `course.train.seed_batch.SeedRun.correct`.
        kind: "correct" (McNemar) or "score" (paired bootstrap); None infers "correct" when
            every value is 0 or 1.
        higher_is_better: False for losses/errors: the lower mean wins.
        fast: say in every sentence that this is a fast-mode run.
        prefer: arm names in the order to pick among arms that are not separated (e.g. the
            cheapest first); None picks the best mean and says so.
        confidence: the interval's level.
        n_resamples, seed: the bootstrap's size and seed (scores only).

    Returns a `Comparison`.
    """
    arrays = _results(results)
    kind = _kind(kind, arrays)
    check_number("confidence", confidence, 0, 1, low_open=True, high_open=True)
    check_number("n_resamples", n_resamples, 100, integer=True)
    check_seed(seed)
    if prefer is not None:
        prefer = tuple(prefer)
        if sorted(prefer) != sorted(arrays):
            raise ValueError(f"prefer must list every arm once, {sorted(arrays)}, got {prefer}")
    arms = tuple(ArmSummary(name, a.mean(axis=1)) for name, a in arrays.items())
    differences = []
    for x, y in itertools.combinations(arrays, 2):
        if kind == "correct":
            d, low, high, p = mcnemar(arrays[x], arrays[y], confidence)
        else:
            d, low, high = paired_bootstrap(arrays[x], arrays[y], confidence, n_resamples, seed)
            p = None
        differences.append(Difference(x, y, d, low, high, p))
    n_items = next(iter(arrays.values())).shape[1]
    return Comparison(
        arms, tuple(differences), kind, n_items, bool(higher_is_better), confidence, fast, prefer
    )


def compare_arms(arms, seeds, **options):
    """`compare(run_arms(arms, seeds), **options)`: run every arm over `seeds`, then compare."""
    return compare(run_arms(arms, seeds), **options)
