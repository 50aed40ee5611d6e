"""Solutions to the exercises of notebooks/session02/03_transfer_learning.ipynb, each written as a
test that asserts the outcome the exercise asks the student to predict or find."""

import keras
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from course.data import digits_rgb, load_shapes
from course.models import compile_classifier
from course.transfer import (
    build_transfer_model,
    extract_features,
    find_backbone,
    fit_feature_classifier,
    pretrained_digits_backbone,
    unfreeze,
)

# The digits backbone: 3x3 convolutions 3 -> 16 -> 32 -> 64 without bias, each followed by BN.
CONVS = {"conv1": 3 * 3 * 3 * 16, "conv2": 3 * 3 * 16 * 32, "conv3": 3 * 3 * 32 * 64}
BN = 4 * (16 + 32 + 64)  # gamma, beta, moving mean, moving variance per channel
HEAD = 64 * 5 + 5  # dense 64 -> 5 with bias


def n_params(weights):
    return sum(int(np.prod(w.shape)) for w in weights)


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("feature_extraction", HEAD),
        ("fine_tune", HEAD + CONVS["conv3"]),
        ("full", HEAD + sum(CONVS.values())),
    ],
)
def test_exercise1_trainable_parameters_per_mode(mode, expected):
    model = build_transfer_model(pretrained_digits_backbone(), 5, mode=mode, fine_tune_from="conv3")
    assert n_params(model.trainable_weights) == expected
    assert n_params(model.weights) == HEAD + sum(CONVS.values()) + BN
    if mode == "full":  # BN is frozen in every mode: gamma and beta are not trained either
        assert n_params(model.non_trainable_weights) == BN


def test_exercise2_batchnorm_pitfall_in_plain_keras():
    rng = np.random.default_rng(0)
    x, y = (
        rng.normal(3.0, 1.0, (256, 4)).astype("float32"),
        rng.normal(size=(256, 1)).astype("float32"),
    )
    inner = keras.Sequential(
        [keras.Input((4,)), keras.layers.BatchNormalization(name="bn")], name="inner"
    )
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inner(inputs, training=False)))
    bn = inner.get_layer("bn")
    model.compile(keras.optimizers.Adam(1e-3), "mse")
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    # training=False did not protect it: 8 steps of momentum 0.99 move the mean ~8% of the way to 3
    assert np.all(bn.moving_mean.numpy() > 0.1)

    bn.trainable = False
    model.compile(
        keras.optimizers.Adam(1e-3), "mse"
    )  # trainable changes take effect at compile time
    frozen_mean, dense_kernel = bn.moving_mean.numpy(), model.layers[-1].kernel.numpy()
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), frozen_mean)
    assert not np.allclose(model.layers[-1].kernel.numpy(), dense_kernel)  # the rest still trains


@pytest.fixture(scope="module")
def frozen_features():
    """{target: (train features, train labels, test features, test labels)} from the frozen
    backbone."""
    base, n = pretrained_digits_backbone(), 150
    tasks = {
        "similar": digits_rgb(classes=range(5, 10), max_samples=700),
        "different": load_shapes(n=500),
    }
    return {
        name: (
            extract_features(base, t.x_train[:n]),
            t.y_train[:n],
            extract_features(base, t.x_test),
            t.y_test,
        )
        for name, t in tasks.items()
    }


def test_exercise3_a_linear_classifier_does_not_close_the_gap(frozen_features):
    scores = {}
    for name, (f_train, y_train, f_test, y_test) in frozen_features.items():
        ours = fit_feature_classifier(f_train, y_train, kind="logreg").score(f_test, y_test)
        sklearn = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=0))
        assert ours == pytest.approx(sklearn.fit(f_train, y_train).score(f_test, y_test))
        scores[name] = {
            "logreg": ours,
            "svm": fit_feature_classifier(f_train, y_train).score(f_test, y_test),
        }
    for kind in (
        "logreg",
        "svm",
    ):  # whatever the classifier, the digit features serve shapes far worse
        assert scores["similar"][kind] > scores["different"][kind] + 0.2


def test_exercise4_fine_tuning_learning_rate_sets_how_far_pretrained_weights_move():
    task = digits_rgb(classes=range(5, 10), max_samples=700)
    x, y = task.x_train[:128], task.y_train[:128]
    keras.utils.set_random_seed(0)
    model = compile_classifier(build_transfer_model(pretrained_digits_backbone(), 5), 1e-2)
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)  # stage 1: the head only
    start, kernel = model.get_weights(), find_backbone(model).get_layer("conv1").kernel
    steps = len(x) // 32
    moved = {}
    for lr in (1e-2, 1e-4):
        model.set_weights(start)
        unfreeze(model, from_layer=0, learning_rate=lr)  # a fresh Adam at the new rate
        before = kernel.numpy()
        keras.utils.set_random_seed(1)
        model.fit(x, y, epochs=1, batch_size=32, shuffle=False, verbose=0)
        moved[lr] = float(np.abs(kernel.numpy() - before).max())
        # Adam's step is lr * m_hat / sqrt(v_hat): exactly lr * sign(gradient) at the first
        # step, and (Cauchy-Schwarz over the bias-corrected averages) at most ~1.01 lr in each
        # of the first few steps.
        assert lr * 0.5 < moved[lr] <= steps * lr * 1.01
    assert 30 < moved[1e-2] / moved[1e-4] < 300  # ~100x, the ratio of the rates
