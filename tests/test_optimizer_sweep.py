"""07/10's optimizer experiments: the sweep scores what Keras scores and chooses on validation,
the switch's arms share their start point, and bad arguments are refused by name."""

import keras
import numpy as np
import pytest

from course import optim
from course.data import load_digits
from course.experiments.optimizer_sweep import (
    Sweep,
    choose_rate,
    learning_rate_sweep,
    switch_runs,
    warmup_runs,
)
from course.models import mlp

SEEDS = (0, 1)


@pytest.fixture(scope="module")
def digits():
    return load_digits(max_samples=300, seed=0)


def _build(digits):
    return lambda: mlp(digits.input_shape, 10, hidden=(16,), output_activation=None)


def test_the_sweep_scores_like_keras_and_chooses_on_validation(digits):
    build = _build(digits)
    sweep = learning_rate_sweep(
        {"SGD": lambda lr: optim.SGD(lr)}, (0.5, 1e-9), digits, build, SEEDS, 2
    )
    assert sweep.rates == (1e-9, 0.5)
    # At 1e-9 nothing moves: validation accuracy is the untrained model's, scored by Keras.
    for k, seed in enumerate(SEEDS):
        keras.utils.set_random_seed(seed)
        untrained = build().predict(digits.x_val, verbose=0).argmax(1) == digits.y_val
        assert sweep.accuracy["SGD"][0, k] == pytest.approx(untrained.mean())
    assert sweep.accuracy["SGD"][1].mean() > sweep.accuracy["SGD"][0].mean() + 0.2
    assert sweep.chosen == {"SGD": 0.5}
    assert sweep.test["SGD"].shape == (len(SEEDS), len(digits.y_test))
    assert sweep.at_edge() == ["SGD"]
    row = sweep.table().row("optimizer", "SGD")
    accuracy, loss = sweep.accuracy["SGD"][0].mean(), sweep.loss["SGD"][0].mean()
    assert row["chosen lr"] == "0.5" and row["lr 1e-09"] == f"{accuracy:.3f} ({loss:.2f})"


def test_ties_go_to_the_lower_validation_loss_and_edges_are_named():
    accuracy = np.array([[0.9, 0.8], [0.8, 0.9], [0.7, 0.7]])  # means 0.85, 0.85, 0.7
    loss = np.array([[0.4, 0.4], [0.2, 0.4], [0.1, 0.1]])  # means 0.4, 0.3, 0.1
    assert choose_rate((0.01, 0.1, 1.0), accuracy, loss) == 0.1
    assert choose_rate((0.01, 0.1, 1.0), accuracy[::-1], loss) == 1.0
    same = np.full((3, 2), 0.9)
    sweep = Sweep(
        (0.01, 0.1, 1.0),
        {"A": same, "B": same},
        {"A": np.array([[0.5] * 2, [0.3] * 2, [0.4] * 2]), "B": same},
        {"A": 0.1, "B": 1.0},
        {},
    )
    assert sweep.at_edge() == ["B"]
    assert sweep.table().row("optimizer", "A")["lr 0.1"] == "0.900 (0.30)"


def test_switch_arms_start_from_one_point(digits):
    arms = switch_runs(digits, _build(digits), SEEDS, 2, 1, 0.01, 1e-12)
    switch, control, same = arms
    assert (switch, control, same) == (
        "Adam, then SGD+momentum 1e-12",
        "Adam, then Adam 1e-12",
        "Adam, then Adam 0.01",
    )
    # A rate of 1e-12 leaves both at the switch point; Adam at 0.01 moves on.
    np.testing.assert_array_equal(arms[switch], arms[control])
    assert not np.array_equal(arms[switch], arms[same])


def test_warmup_runs_give_both_arms_on_the_test_items(digits):
    first, final = warmup_runs(digits, _build(digits), SEEDS, 2, 0.01, 5)
    assert list(first) == list(final) == ["no warmup", "warmup 5"]
    for name in first:
        assert first[name].shape == final[name].shape == (len(SEEDS), len(digits.y_test))
        assert np.isfinite(first[name]).all() and (first[name] >= 0).all()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda d, b: learning_rate_sweep([], (0.1, 1.0), d, b, SEEDS, 1), TypeError, "optim"),
        (
            lambda d, b: learning_rate_sweep({"A": 3}, (0.1, 1.0), d, b, SEEDS, 1),
            TypeError,
            "optimizers",
        ),
        (
            lambda d, b: learning_rate_sweep({"A": optim.SGD}, (0.1,), d, b, SEEDS, 1),
            ValueError,
            "rates",
        ),
        (
            lambda d, b: learning_rate_sweep({"A": optim.SGD}, (0.1, -1.0), d, b, SEEDS, 1),
            ValueError,
            "rates",
        ),
        (
            lambda d, b: learning_rate_sweep({"A": optim.SGD}, (0.1, 0.1), d, b, SEEDS, 1),
            ValueError,
            "rates",
        ),
        (lambda d, b: switch_runs(d, b, SEEDS, 1, 1, 0.01, 0.01), ValueError, "reduced_rate"),
        (lambda d, b: switch_runs(d, b, SEEDS, 1, 1, 0.0, 0.001), ValueError, "rate"),
        (
            lambda d, b: switch_runs(d, b, SEEDS, 1, 1, 0.01, 0.001, momentum=1.0),
            ValueError,
            "momentum",
        ),
        (lambda d, b: warmup_runs(d, b, SEEDS, 1, 0.01, 10**6), ValueError, "warmup_steps"),
        (lambda d, b: warmup_runs(d, b, SEEDS, 0, 0.01, 5), ValueError, "epochs"),
    ],
)
def test_bad_arguments_are_refused(digits, call, error, message):
    with pytest.raises(error, match=message):
        call(digits, _build(digits))
