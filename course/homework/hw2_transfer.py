"""Questions of assignment hw2_transfer: ensembling (voting, error theory) and transfer learning.

References: SciPy's mode and binomial tail, Keras layer attributes.
"""
import numpy as np

from course.homework import specs
from course.homework.engine import Case, question
from course.homework.tasks import held_out


def _votes(rng, hidden):
    """Probabilities of shape (models, samples, classes); two models at least, where votes can differ."""
    for _ in range(6 if hidden else 1):
        m, n, k = rng.integers(2, 8), rng.integers(5, 12), rng.integers(2, 5)
        probs = rng.dirichlet(np.ones(k), size=(m, n))
        yield probs


@question("ens.hard_vote", points=2, scratch=True)
def _hard_vote(rng, hidden):
    from scipy import stats  # its mode breaks ties towards the smallest value, as the question asks

    for probs in _votes(rng, hidden):
        yield Case((probs,), stats.mode(probs.argmax(axis=2), axis=0).mode, f"majority of {len(probs)} models' "
                   "argmax votes (ties: the smallest class)", atol=0, rtol=0)


@question("ens.soft_vote", points=1, scratch=True)
def _soft_vote(rng, hidden):
    for probs in _votes(rng, hidden):
        yield Case((probs,), probs.sum(axis=0).argmax(axis=1), "argmax of the averaged probabilities", atol=0, rtol=0)


@question("ens.majority_vote_error", points=2, scratch=True, blocked=("scipy",))
def _majority_vote_error(rng, hidden):
    from scipy import stats  # imported here: the student's `import course.homework` stays quick

    for _ in range(6 if hidden else 2):
        m, e = int(rng.integers(1, 16)), float(rng.uniform(0.01, 0.6))
        yield Case((e, m), stats.binom.sf(m // 2, m, e), f"error of a majority vote of M={m} models with e={e:.3f}",
                   atol=1e-12, rtol=1e-8)


def _a_small_probability(got, case):
    assert isinstance(got, float) and 0 < got < 0.01, f"expected a probability below 0.01, got {got!r}"


@question("ens.notes_formula_error", points=1, probe="value")
def _notes_formula_error(rng, hidden):
    """Visibly, that it is a small probability; its value is checked by the instructor's grading cases."""
    yield Case((), None, "a probability below 0.01", judge=_a_small_probability)


@question("tl.strategy", points=1)
def _strategy(rng, hidden):
    table = {("small", "similar"): "feature_extraction", ("small", "different"): "early_features",
             ("large", "similar"): "fine_tune", ("large", "different"): "fine_tune_all"}
    for key in sorted(table, key=lambda k: rng.random()):
        yield Case(key, table[key], f"strategy for a {key[0]} dataset, {key[1]} to the source")


def _small_model():
    """Dense -> BatchNormalization, twice, then Dense(3): a stack with BN layers to freeze."""
    import keras

    from course.models import mlp

    return mlp(6, 3, hidden=(5, 4), activation=None, output_activation=None,
               norm=keras.layers.BatchNormalization, use_bias=True)


@specs.builder("frozen_small_bn_model")
def _frozen_small_model():
    """The small model with every layer frozen: `unfreeze_top` unfreezes some of them."""
    model = _small_model()
    for layer in model.layers:
        layer.trainable = False
    return model


def _same_flags(got, case):
    assert list(got) == case.expected, (f"{case.what}: expected trainable flags {case.expected}, got {got} "
                                        "(the last n layers trainable, every BatchNormalization frozen)")


@question("tl.unfreeze_top", points=2, probe="trainable_flags")
def _unfreeze_top(rng, hidden):
    layers = _small_model().layers
    for n in (range(0, 6) if hidden else (2,)):
        expected = [i >= len(layers) - n and "BatchNorm" not in type(layer).__name__ for i, layer in enumerate(layers)]
        yield Case((specs.spec("frozen_small_bn_model"), n), expected, f"unfreeze_top(model, {n})", judge=_same_flags)


def _backbone_batchnorm_kept(got, case):
    """The pretrained backbone's BatchNorm layers are in the model, their moving means unchanged."""
    from course.transfer import pretrained_digits_backbone

    reference = {layer.name: np.asarray(layer.moving_mean) for layer in pretrained_digits_backbone().layers
                 if "BatchNorm" in type(layer).__name__}
    found = {name: mean for name, mean in got["moving_means"].items() if name in reference}
    assert found, "the model must contain the pretrained backbone's BatchNormalization layers"
    for name, mean in found.items():
        drift = float(np.max(np.abs(np.asarray(mean) - reference[name]))) if np.shape(mean) == reference[name].shape \
            else float("inf")
        assert drift < 1e-6, (f"BatchNorm {name!r}: moving mean drifted by {drift:.3g} during fine-tuning; "
                              "set trainable=False on each BatchNormalization layer")


@question("tl.finetuned_backbone", points=4, probe="model")
def _finetuned_backbone(rng, hidden):
    return held_out("transfer", 0.75, rng, hidden, judge=_backbone_batchnorm_kept)
