"""Hidden cases of hw3_regularization and their references (Keras' BatchNormalization and
LayerNormalization) and the values graded in private. The grader imports this file from the
sources; it never reaches students, the wheel or a sandbox. `hidden=False` draws the visible cases
that `scripts/build_homework_visible_cases.py` stores in the wheel."""

import numpy as np

from course.homework.engine import Case
from course.homework.hw3_regularization import has_dropout_and_batchnorm
from course.homework.tasks import held_out


def _keras_norm(layer_name, x, gamma, beta, eps, moving=None):
    """Keras' own BatchNormalization/LayerNormalization output on `x` with the given parameters."""
    import keras

    layer = getattr(keras.layers, layer_name)(epsilon=eps)
    layer.build(x.shape)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    if moving is not None:
        layer.moving_mean.assign(moving[0])
        layer.moving_variance.assign(moving[1])
    return np.asarray(layer(x.astype("float32"), training=moving is None))


def _norm_inputs(rng, hidden):
    for _ in range(4 if hidden else 1):
        n, f = rng.integers(3, 9, size=2)
        x = rng.normal(rng.normal(0, 3), rng.uniform(0.5, 4), size=(n, f))
        yield (
            x,
            rng.uniform(0.5, 2, size=f),
            rng.normal(size=f),
            float(rng.choice([1e-3, 1e-1, 1.0])),
        )


def _inverted_dropout(rng, hidden=True):
    for _ in range(4 if hidden else 1):
        p = float(rng.uniform(0.1, 0.8))
        x = rng.normal(size=(5, 7))
        mask = (rng.random(x.shape) >= p).astype("float64")
        yield Case(
            (x, p, mask),
            np.where(mask == 1, x / (1 - p), 0.0),
            f"training output for p={p:.3f} (mask: 1 keeps a unit)",
        )


def _classic_dropout_scale(rng, hidden=True):
    """Classic dropout multiplies by the keep probability q = 1 - p at inference (p = 0.1)."""
    yield Case((), 0.9, "the inference scale of classic dropout at p = 0.1", atol=1e-9, rtol=0)


def _batchnorm_train(rng, hidden=True):
    for x, gamma, beta, eps in _norm_inputs(rng, hidden):
        yield Case(
            (x, gamma, beta, eps),
            _keras_norm("BatchNormalization", x, gamma, beta, eps),
            f"training output, eps={eps}",
            atol=1e-4,
            rtol=1e-4,
        )


def _batchnorm_inference(rng, hidden=True):
    for x, gamma, beta, eps in _norm_inputs(rng, hidden):
        mean, var = rng.normal(size=x.shape[1]), rng.uniform(0.2, 5, size=x.shape[1])
        yield Case(
            (x, gamma, beta, mean, var, eps),
            _keras_norm("BatchNormalization", x, gamma, beta, eps, moving=(mean, var)),
            f"inference output, eps={eps}",
            atol=1e-4,
            rtol=1e-4,
        )


def _layernorm(rng, hidden=True):
    for x, _, _, eps in _norm_inputs(rng, hidden):
        gamma, beta = rng.uniform(0.5, 2, size=x.shape[1]), rng.normal(size=x.shape[1])
        yield Case(
            (x, gamma, beta, eps),
            _keras_norm("LayerNormalization", x, gamma, beta, eps),
            f"LayerNorm output, eps={eps}",
            atol=1e-4,
            rtol=1e-4,
        )


def _bn_param_counts(rng, hidden=True):
    import keras

    for features in rng.integers(1, 300, size=4 if hidden else 1):
        layer = keras.layers.BatchNormalization()
        layer.build((None, int(features)))
        counts = (
            sum(int(np.prod(w.shape)) for w in layer.trainable_weights),
            sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights),
        )
        yield Case(
            (int(features),), counts, f"(trainable, non-trainable) counts for {features} features"
        )


def _regularized_classifier(rng, hidden=True):
    return held_out("digits", 0.93, rng, hidden, judge=has_dropout_and_batchnorm)


HIDDEN = {
    "reg.inverted_dropout": _inverted_dropout,
    "reg.classic_dropout_scale": _classic_dropout_scale,
    "reg.batchnorm_train": _batchnorm_train,
    "reg.batchnorm_inference": _batchnorm_inference,
    "reg.layernorm": _layernorm,
    "reg.bn_param_counts": _bn_param_counts,
    "reg.regularized_classifier": _regularized_classifier,
}
