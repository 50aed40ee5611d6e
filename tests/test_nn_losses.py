"""Losses against keras.losses (values and label smoothing), focal-loss conventions, and
argument validation."""

import keras
import numpy as np
import pytest

from course.nn import losses as L

RNG = np.random.default_rng(0)
PROBS = RNG.uniform(0.02, 0.98, size=(16, 6)).astype("float32")
BINARY = (RNG.uniform(size=(16, 6)) < 0.4).astype("float32")
LOGITS = RNG.normal(0, 2, size=(16, 6)).astype("float32")
ONE_HOT = np.eye(6, dtype="float32")[RNG.integers(0, 6, 16)]
SOFTMAX = keras.ops.convert_to_numpy(keras.activations.softmax(LOGITS))
REG_TRUE = RNG.normal(size=(16, 3)).astype("float32")
REG_PRED = RNG.normal(size=(16, 3)).astype("float32")


def close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=2e-5, atol=2e-6)


def test_regression_losses_match_keras():
    close(L.mse(REG_TRUE, REG_PRED), keras.losses.mean_squared_error(REG_TRUE, REG_PRED))
    close(L.mae(REG_TRUE, REG_PRED), keras.losses.mean_absolute_error(REG_TRUE, REG_PRED))


def test_notes_mse_worked_example():
    assert float(L.mse([1.0, 3.0, 2.0], [1.5, 2.5, 2.0])) == pytest.approx(0.1667, abs=1e-4)


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_binary_crossentropy_matches_keras(smoothing):
    expected = keras.losses.binary_crossentropy(BINARY, PROBS, label_smoothing=smoothing)
    close(L.binary_crossentropy(BINARY, PROBS, label_smoothing=smoothing), expected)
    expected = keras.losses.binary_crossentropy(
        BINARY, LOGITS, from_logits=True, label_smoothing=smoothing
    )
    close(
        L.binary_crossentropy(BINARY, LOGITS, from_logits=True, label_smoothing=smoothing), expected
    )


def test_summed_bce_is_outputs_times_mean():
    close(
        L.summed_binary_crossentropy(BINARY, PROBS),
        6 * keras.losses.binary_crossentropy(BINARY, PROBS),
    )


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_categorical_crossentropy_matches_keras(smoothing):
    close(
        L.categorical_crossentropy(ONE_HOT, SOFTMAX, label_smoothing=smoothing),
        keras.losses.categorical_crossentropy(ONE_HOT, SOFTMAX, label_smoothing=smoothing),
    )
    close(
        L.categorical_crossentropy(ONE_HOT, LOGITS, from_logits=True, label_smoothing=smoothing),
        keras.losses.categorical_crossentropy(
            ONE_HOT, LOGITS, from_logits=True, label_smoothing=smoothing
        ),
    )


def test_categorical_crossentropy_class_with_reduction():
    loss = keras.losses.CategoricalCrossentropy()
    assert float(np.mean(L.categorical_crossentropy(ONE_HOT, SOFTMAX))) == pytest.approx(
        float(loss(ONE_HOT, SOFTMAX)), rel=1e-5
    )


@pytest.mark.parametrize("labels", [BINARY, 2 * BINARY - 1])
def test_hinge_matches_keras_for_both_label_conventions(labels):
    close(L.hinge(labels, LOGITS), keras.losses.hinge(labels, LOGITS))


def test_label_smoothing_values():
    np.testing.assert_allclose(
        L.smooth_labels([[0.0, 1.0, 0.0, 0.0]], 0.2), [[0.05, 0.85, 0.05, 0.05]]
    )
    np.testing.assert_allclose(L.smooth_labels([[0.0, 1.0]], 0.2, kind="binary"), [[0.1, 0.9]])


@pytest.mark.parametrize("gamma,smoothing", [(2.0, 0.0), (0.5, 0.1), (0.0, 0.0)])
def test_binary_focal_matches_keras_both_conventions(gamma, smoothing):
    balanced = keras.losses.binary_focal_crossentropy(
        BINARY, PROBS, apply_class_balancing=True, alpha=0.3, gamma=gamma, label_smoothing=smoothing
    )
    close(L.focal_loss(BINARY, PROBS, alpha=0.3, gamma=gamma, label_smoothing=smoothing), balanced)
    plain = keras.losses.binary_focal_crossentropy(
        BINARY, LOGITS, gamma=gamma, from_logits=True, label_smoothing=smoothing
    )
    close(
        L.focal_loss(
            BINARY, LOGITS, alpha=None, gamma=gamma, from_logits=True, label_smoothing=smoothing
        ),
        plain,
    )


def test_binary_focal_matches_keras_loss_class():
    keras_loss = keras.losses.BinaryFocalCrossentropy(
        apply_class_balancing=True, alpha=0.25, gamma=2.0
    )
    assert float(np.mean(L.focal_loss(BINARY, PROBS))) == pytest.approx(
        float(keras_loss(BINARY, PROBS)), rel=1e-5
    )


def test_focal_with_gamma_zero_and_no_alpha_is_bce():
    close(L.focal_loss(BINARY, PROBS, alpha=None, gamma=0.0), L.binary_crossentropy(BINARY, PROBS))


def test_focal_down_weights_easy_examples():
    easy, hard = L.focal_loss([[1.0], [1.0]], [[0.95], [0.3]], alpha=None)
    bce_easy, bce_hard = L.binary_crossentropy([[1.0], [1.0]], [[0.95], [0.3]])
    assert float(easy / bce_easy) < 0.01 < 0.4 < float(hard / bce_hard)


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_categorical_focal_matches_keras(smoothing):
    expected = keras.losses.CategoricalFocalCrossentropy(
        alpha=0.4, gamma=1.5, label_smoothing=smoothing, reduction=None
    )(ONE_HOT, SOFTMAX)
    close(
        L.categorical_focal_loss(ONE_HOT, SOFTMAX, alpha=0.4, gamma=1.5, label_smoothing=smoothing),
        expected,
    )
    expected = keras.losses.categorical_focal_crossentropy(ONE_HOT, LOGITS, from_logits=True)
    close(L.categorical_focal_loss(ONE_HOT, LOGITS, from_logits=True), expected)


def test_losses_work_inside_model_fit():
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(6, activation="sigmoid")])
    model.compile(optimizer="sgd", loss=L.summed_binary_crossentropy)
    history = model.fit(LOGITS, BINARY, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


@pytest.mark.parametrize(
    "call,argument",
    [
        (lambda: L.focal_loss(BINARY, PROBS, gamma=-0.5), "gamma"),
        (lambda: L.focal_loss(BINARY, PROBS, alpha=1.5), "alpha"),
        (lambda: L.categorical_focal_loss(ONE_HOT, SOFTMAX, gamma=-1), "gamma"),
        (lambda: L.binary_crossentropy(BINARY, PROBS, label_smoothing=1.0), "label_smoothing"),
        (
            lambda: L.categorical_crossentropy(ONE_HOT, SOFTMAX, label_smoothing=-0.1),
            "label_smoothing",
        ),
        (lambda: L.focal_loss(BINARY, PROBS, label_smoothing=1.2), "label_smoothing"),
        (lambda: L.smooth_labels(ONE_HOT, 1.0), "label_smoothing"),
        (lambda: L.mse(REG_TRUE, PROBS), "y_true"),
        (lambda: L.categorical_crossentropy(ONE_HOT[:, :5], SOFTMAX), "y_pred"),
        (lambda: L.mse(REG_TRUE, REG_PRED, aggregate="max"), "aggregate"),
    ],
)
def test_invalid_arguments_raise_value_error_naming_them(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()
