"""Checks for the "Summary DAY 2" homework: dropout, BatchNorm, TTA, voting, ensemble error."""
import itertools

import numpy as np

from course.homework._inputs import close, features, rng
from course.homework.hashing import assert_digest
from course.homework.registry import question


@question("day2.inverted_dropout", "inverted_dropout(x, p, mask): training-time inverted dropout")
def _inverted_dropout(fn):
    x = features((5, 8))
    for p in (0.2, 0.5):
        masks = (rng(7).random((3000, *x.shape)) >= p).astype("float64")
        out = np.asarray(fn(np.broadcast_to(x, masks.shape), p, masks), dtype="float64")
        assert out.shape == masks.shape, f"output shape {out.shape} differs from the input's {masks.shape}"
        assert np.all(out[masks == 0] == 0), "dropped units (mask == 0) must be exactly zero"
        close(out.mean(axis=0), x, f"the average training output for p={p}",
              "Averaged over masks it must equal the input: scale kept units by 1/q with q = 1 - p "
              "(not by p, and not by 1/p).", atol=0.15, rtol=0.05)


def _keras_batchnorm(x, gamma, beta, eps, moving=None):
    import keras

    layer = keras.layers.BatchNormalization(epsilon=eps)
    layer.build(x.shape)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    if moving is not None:
        layer.moving_mean.assign(moving[0])
        layer.moving_variance.assign(moving[1])
    return np.asarray(layer(x.astype("float32"), training=moving is None))


_BN_HINT = ("x_hat = (x - mean) / sqrt(var + eps) per feature (axis 0 is the batch), with the "
            "biased variance; then y = gamma * x_hat + beta. Dividing by (var + eps), as the notes "
            "do, is the classic mistake.")


@question("day2.batchnorm_train", "batchnorm_train(x, gamma, beta, eps): BatchNorm in training")
def _batchnorm_train(fn):
    x = features()
    gamma, beta = np.array([1.0, 2.0, 0.5, 1.5]), np.array([0.0, -1.0, 0.3, 2.0])
    for eps in (1e-3, 1e-1):
        close(fn(x, gamma, beta, eps), _keras_batchnorm(x, gamma, beta, eps),
              f"the training output (eps={eps})", _BN_HINT, atol=1e-4)


@question("day2.batchnorm_inference",
          "batchnorm_inference(x, gamma, beta, moving_mean, moving_var, eps): BatchNorm at inference")
def _batchnorm_inference(fn):
    x = features(seed=5)
    gamma, beta = np.array([1.0, 2.0, 0.5, 1.5]), np.array([0.0, -1.0, 0.3, 2.0])
    moving_mean, moving_var = np.array([1.0, 0.5, -0.5, 2.0]), np.array([4.0, 1.0, 0.25, 9.0])
    expected = _keras_batchnorm(x, gamma, beta, 1e-3, moving=(moving_mean, moving_var))
    close(fn(x, gamma, beta, moving_mean, moving_var, 1e-3), expected, "the inference output",
          "At inference use the moving mean and variance, not the batch's. " + _BN_HINT, atol=1e-4)


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


_W = rng(11).normal(size=(12, 3))
_TTA_X = rng(12).normal(size=(5, 3, 4))
_TTA_TRANSFORMS = (lambda x: x, lambda x: x[:, :, ::-1], lambda x: np.roll(x, 1, axis=1))


def _tta_model(x):
    return _softmax(np.asarray(x).reshape(len(x), -1) @ _W)


@question("day2.tta_average", "tta_average(predict, x, transforms): test-time augmentation")
def _tta_average(fn):
    identity_only = fn(_tta_model, _TTA_X, [_TTA_TRANSFORMS[0]])
    close(identity_only, _tta_model(_TTA_X), "TTA with only the identity transform",
          "With one identity transform TTA must return the model's own predictions.")
    flip = _TTA_TRANSFORMS[1]
    close(fn(_tta_model, _TTA_X, [flip, flip]), _tta_model(flip(_TTA_X)), "TTA with a repeated transform",
          "Predict on each transformed copy and average the predictions.")
    out = np.asarray(fn(_tta_model, _TTA_X, list(_TTA_TRANSFORMS)), dtype="float64")
    close(out.sum(axis=1), np.ones(len(_TTA_X)), "the row sums of averaged probabilities",
          "Average the predicted probabilities (not the images, not the labels).")
    assert_digest(out, "4d3e77b23e477e8a1ce198ee",
                  "Average the model's predictions over the transformed copies of x (not the "
                  "images before predicting: the model is not linear).")


# Three models, five examples, three classes: soft and hard voting disagree on example 0, and
# averaging differs from taking the most confident model on example 4.
_VOTES = np.array([
    [[0.40, 0.35, 0.25], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.5, 0.4, 0.1], [0.60, 0.40, 0.0]],
    [[0.40, 0.30, 0.30], [0.3, 0.6, 0.1], [0.1, 0.3, 0.6], [0.3, 0.6, 0.1], [0.60, 0.40, 0.0]],
    [[0.05, 0.90, 0.05], [0.6, 0.3, 0.1], [0.3, 0.4, 0.3], [0.2, 0.7, 0.1], [0.35, 0.65, 0.0]],
])


@question("day2.hard_vote", "hard_vote(probs): majority vote of the models' predicted classes")
def _hard_vote(fn):
    close(fn(_VOTES[:1]), _VOTES[0].argmax(axis=1), "hard voting with one model",
          "One model's vote is its own argmax.")
    assert_digest(fn(_VOTES), "2dd6908906a467d25a9fdd1b",
                  "Each model votes for its argmax class; the ensemble takes the most frequent vote "
                  "(probabilities are not averaged in hard voting).")


@question("day2.soft_vote", "soft_vote(probs): argmax of the models' averaged probabilities")
def _soft_vote(fn):
    close(fn(_VOTES[:1]), _VOTES[0].argmax(axis=1), "soft voting with one model",
          "One model's soft vote is its own argmax.")
    assert_digest(fn(_VOTES), "54730fe142161ff8fe2ee7f0",
                  "Average the probabilities over the models (axis 0), then take the argmax.")


def _enumerated_majority_error(e, m):
    """P(more than half of m independent members are wrong), by listing all 2^m outcomes."""
    total = 0.0
    for outcome in itertools.product((0, 1), repeat=m):
        wrong = sum(outcome)
        if wrong > m / 2:
            total += e**wrong * (1 - e) ** (m - wrong)
    return total


@question("day2.majority_vote_error", "majority_vote_error(e, M): error of a majority vote of M models")
def _majority_vote_error(fn):
    for m in (1, 3, 5, 7, 9):
        for e in (0.01, 0.1, 0.3):
            close(fn(e, m), _enumerated_majority_error(e, m), f"the error for M={m}, e={e}",
                  "The vote is wrong when more than M/2 members are wrong: a binomial tail "
                  "sum over k > M/2 of C(M,k) e^k (1-e)^(M-k). The notes' formula only works for M=3.",
                  atol=1e-10, rtol=1e-8)
