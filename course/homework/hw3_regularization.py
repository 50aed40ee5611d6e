"""Questions of assignment hw3_regularization: Dropout and BatchNorm (references: Keras layers)."""
import numpy as np

from course.homework.engine import Case, question
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
        yield x, rng.uniform(0.5, 2, size=f), rng.normal(size=f), float(rng.choice([1e-3, 1e-1, 1.0]))


@question("reg.inverted_dropout", points=2, scratch=True)
def _inverted_dropout(rng, hidden):
    for _ in range(4 if hidden else 1):
        p = float(rng.uniform(0.1, 0.8))
        x = rng.normal(size=(5, 7))
        mask = (rng.random(x.shape) >= p).astype("float64")
        yield Case((x, p, mask), np.where(mask == 1, x / (1 - p), 0.0),
                   f"training output for p={p:.3f} (mask: 1 keeps a unit)")


def _a_scale(got, case):
    assert isinstance(got, (int, float)) and not isinstance(got, bool) and 0 < got <= 1, (
        f"expected a number in (0, 1], got {got!r}")


@question("reg.classic_dropout_scale", points=1, probe="value")
def _classic_scale(rng, hidden):
    """Visibly, that it is a scale in (0, 1]; its value is checked by the instructor's grading cases."""
    yield Case((), None, "a scale in (0, 1]", judge=_a_scale)


@question("reg.batchnorm_train", points=2, scratch=True)
def _batchnorm_train(rng, hidden):
    for x, gamma, beta, eps in _norm_inputs(rng, hidden):
        yield Case((x, gamma, beta, eps), _keras_norm("BatchNormalization", x, gamma, beta, eps),
                   f"training output, eps={eps}", atol=1e-4, rtol=1e-4)


@question("reg.batchnorm_inference", points=2, scratch=True)
def _batchnorm_inference(rng, hidden):
    for x, gamma, beta, eps in _norm_inputs(rng, hidden):
        mean, var = rng.normal(size=x.shape[1]), rng.uniform(0.2, 5, size=x.shape[1])
        yield Case((x, gamma, beta, mean, var, eps),
                   _keras_norm("BatchNormalization", x, gamma, beta, eps, moving=(mean, var)),
                   f"inference output, eps={eps}", atol=1e-4, rtol=1e-4)


@question("reg.layernorm", points=2, scratch=True)
def _layernorm(rng, hidden):
    for x, _, _, eps in _norm_inputs(rng, hidden):
        gamma, beta = rng.uniform(0.5, 2, size=x.shape[1]), rng.normal(size=x.shape[1])
        yield Case((x, gamma, beta, eps), _keras_norm("LayerNormalization", x, gamma, beta, eps),
                   f"LayerNorm output, eps={eps}", atol=1e-4, rtol=1e-4)


@question("reg.bn_param_counts", points=1, scratch=True)
def _bn_param_counts(rng, hidden):
    import keras

    for features in rng.integers(1, 300, size=4 if hidden else 1):
        layer = keras.layers.BatchNormalization()
        layer.build((None, int(features)))
        counts = (sum(int(np.prod(w.shape)) for w in layer.trainable_weights),
                  sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights))
        yield Case((int(features),), counts, f"(trainable, non-trainable) counts for {features} features")


def _has_dropout_and_batchnorm(got, case):
    kinds = set(got["layers"])
    assert {"Dropout", "BatchNormalization"} <= kinds, (
        f"the model must contain Dropout and BatchNormalization layers; its layers are {sorted(kinds)}")


@question("reg.regularized_classifier", points=4, probe="model")
def _regularized_classifier(rng, hidden):
    return held_out("digits", 0.93, rng, hidden, judge=_has_dropout_and_batchnorm)
