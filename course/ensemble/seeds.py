"""Bagging over seeds: several bagging ensembles and as many single models trained on all the
data, every network of them trained together in one graph (`course.train.seed_batch`).

One ensemble on one split cannot say whether it beats a single model: the gap is a few images.
`bag_over_seeds` repeats the whole experiment `n_ensembles` times (ensemble e: members on their
own bootstrap resamples, from their own seeds; single model e: all of the training data, from
the seed of the ensemble's first member), and `BaggedSeeds.arms` scores every arm on the same
items, one row per repetition: `course.analysis.compare`'s input.
"""

from dataclasses import dataclass

import numpy as np

from course.ensemble.bagging import bootstrap_indices, check_paired
from course.ensemble.voting import hard_vote, soft_vote
from course.validation import check_number


@dataclass(frozen=True, eq=False)
class BaggedSeeds:
    """`n_ensembles` bagging ensembles (`members`, a `SeedRun` of ensembles x members seeds,
    ensemble-major) and one single model per ensemble (`singles`, a `SeedRun`)."""

    members: object
    singles: object
    n_ensembles: int
    n_members: int

    def member_probabilities(self, x):
        """(ensembles, members, items, classes) predicted probabilities."""
        probs = self.members.predict(x)
        return probs.reshape(self.n_ensembles, self.n_members, *probs.shape[1:])

    def arms(self, x, y, x_val, y_val):
        """Per-item correctness (ensembles, items) on (x, y) of the soft vote, the hard vote,
        the member with the best accuracy on (x_val, y_val) (picked on validation, scored on
        x), and the single model trained on all the data."""
        y, y_val = np.asarray(y), np.asarray(y_val)
        probs = self.member_probabilities(x)
        picked = (self.member_probabilities(x_val).argmax(-1) == y_val).mean(-1).argmax(-1)
        return {
            "soft vote": np.stack([soft_vote(p) == y for p in probs]),
            "hard vote": np.stack([hard_vote(p) == y for p in probs]),
            "best member": np.stack([p[k].argmax(-1) == y for p, k in zip(probs, picked)]),
            "single model": self.singles.correct(x, y),
        }


def bag_over_seeds(
    build_model, x, y, n_ensembles, n_members, epochs, *, batch_size=32, learning_rate=1e-3, seed=0
):
    """Train `n_ensembles` bagging ensembles of `n_members` and `n_ensembles` single models on
    all of (x, y), with Adam at `learning_rate`; returns `BaggedSeeds`.

    Member m of ensemble e starts from seed ``seed + e * n_members + m`` and trains on its own
    bootstrap resample (`bootstrap_indices(len(x), n_ensembles * n_members, seed)`); single
    model e starts from the seed of ensemble e's first member. `build_model` is what
    `course.train.seed_batch.train_seeds` accepts (Dense and Dropout layers, softmax head).
    """
    from course.train.seed_batch import train_seeds

    check_paired(x, y)
    check_number("n_ensembles", n_ensembles, 2, integer=True)
    check_number("n_members", n_members, 1, integer=True)
    check_number("seed", seed, 0, integer=True)
    total = n_ensembles * n_members
    rows = bootstrap_indices(len(x), total, seed)
    options = {"batch_size": batch_size, "learning_rate": learning_rate}
    members = train_seeds(
        build_model, x, y, tuple(range(seed, seed + total)), epochs, rows=rows, **options
    )
    firsts = tuple(range(seed, seed + total, n_members))
    singles = train_seeds(build_model, x, y, firsts, epochs, **options)
    return BaggedSeeds(members, singles, n_ensembles, n_members)
