"""Hidden cases of hw2_transfer and their references (SciPy's mode and binomial tail, the strategy
table, Keras layer attributes) and the values graded in private. The grader imports this file from
the sources; it never reaches students, the wheel or a sandbox. `hidden=False` draws the visible
cases that `scripts/build_homework_visible_cases.py` stores in the wheel."""

import numpy as np

from course.homework import specs
from course.homework.engine import Case
from course.homework.hw2_transfer import backbone_batchnorm_kept, same_flags, small_model
from course.homework.tasks import held_out


def _votes(rng, hidden):
    """Probabilities of shape (models, samples, classes); two models at least, where votes can
    differ."""
    for _ in range(6 if hidden else 1):
        m, n, k = rng.integers(2, 8), rng.integers(5, 12), rng.integers(2, 5)
        yield rng.dirichlet(np.ones(k), size=(m, n))


def _hard_vote(rng, hidden=True):
    from scipy import stats  # its mode breaks ties towards the smallest value, as the question asks

    for probs in _votes(rng, hidden):
        yield Case(
            (probs,),
            stats.mode(probs.argmax(axis=2), axis=0).mode,
            f"majority of {len(probs)} models' argmax votes (ties: the smallest class)",
            atol=0,
            rtol=0,
        )


def _soft_vote(rng, hidden=True):
    for probs in _votes(rng, hidden):
        yield Case(
            (probs,),
            probs.sum(axis=0).argmax(axis=1),
            "argmax of the averaged probabilities",
            atol=0,
            rtol=0,
        )


def _majority_vote_error(rng, hidden=True):
    from scipy import stats

    for _ in range(6 if hidden else 2):
        m, e = int(rng.integers(1, 16)), float(rng.uniform(0.01, 0.6))
        yield Case(
            (e, m),
            stats.binom.sf(m // 2, m, e),
            f"error of a majority vote of M={m} models with e={e:.3f}",
            atol=1e-12,
            rtol=1e-8,
        )


def _notes_formula_error(rng, hidden=True):
    """The vote of 3 models at e = 0.01 is wrong when 2 or 3 are wrong: 3 e^2 (1 - e) + e^3."""
    yield Case((), 0.000298, "the majority-vote error of 3 models with e = 0.01", atol=1e-9, rtol=0)


def _strategy(rng, hidden=True):
    table = {
        ("small", "similar"): "feature_extraction",
        ("small", "different"): "early_features",
        ("large", "similar"): "fine_tune",
        ("large", "different"): "fine_tune_all",
    }
    for key in sorted(table, key=lambda k: rng.random()):
        yield Case(key, table[key], f"strategy for a {key[0]} dataset, {key[1]} to the source")


def _unfreeze_top(rng, hidden=True):
    layers = small_model().layers
    for n in range(0, 6) if hidden else (2,):
        expected = [
            i >= len(layers) - n and "BatchNorm" not in type(layer).__name__
            for i, layer in enumerate(layers)
        ]
        yield Case(
            (specs.spec("frozen_small_bn_model"), n),
            expected,
            f"unfreeze_top(model, {n})",
            judge=same_flags,
        )


def _finetuned_backbone(rng, hidden=True):
    return held_out("transfer", 0.75, rng, hidden, judge=backbone_batchnorm_kept)


HIDDEN = {
    "ens.hard_vote": _hard_vote,
    "ens.soft_vote": _soft_vote,
    "ens.majority_vote_error": _majority_vote_error,
    "ens.notes_formula_error": _notes_formula_error,
    "tl.strategy": _strategy,
    "tl.unfreeze_top": _unfreeze_top,
    "tl.finetuned_backbone": _finetuned_backbone,
}
