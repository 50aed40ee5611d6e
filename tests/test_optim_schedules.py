"""Schedules against closed forms and Keras' CosineDecay; landscapes, clipping and switching."""

import math

import keras
import numpy as np
import pytest

from course import optim
from course.optim import landscapes, schedules

STEPS = np.arange(0, 260)


def values(schedule, steps=STEPS):
    return np.array([float(schedule(int(t))) for t in steps])


def test_cosine_decay_equals_keras_and_the_closed_form():
    ours = values(schedules.CosineDecay(0.1, 200, alpha=0.05))
    theirs = values(keras.optimizers.schedules.CosineDecay(0.1, 200, alpha=0.05))
    np.testing.assert_array_equal(ours, theirs)
    t = np.minimum(STEPS, 200)
    closed = 0.1 * ((1 - 0.05) * 0.5 * (1 + np.cos(np.pi * t / 200)) + 0.05)
    np.testing.assert_allclose(ours, closed, rtol=1e-6)


def test_linear_warmup_wrapping_cosine_equals_keras_warmup_cosine():
    ours = values(schedules.LinearWarmup(schedules.CosineDecay(0.1, 200), 40, 0.01))
    theirs = values(
        keras.optimizers.schedules.CosineDecay(0.01, 200, warmup_target=0.1, warmup_steps=40)
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    np.testing.assert_allclose(ours[:41], 0.01 + (0.1 - 0.01) * STEPS[:41] / 40, rtol=1e-6)


def test_linear_warmup_of_a_constant():
    ours = values(schedules.LinearWarmup(0.2, 10), np.arange(20))
    np.testing.assert_allclose(ours, np.minimum(np.arange(20) / 10, 1.0) * 0.2, rtol=1e-6)


def test_one_cycle_closed_form():
    sched = schedules.OneCycle(1.0, 100, pct_start=0.3, div_factor=25, final_div_factor=1e4)
    lr = values(sched, np.arange(120))
    peak = 0.3 * 100 - 1
    assert lr[0] == pytest.approx(1 / 25)
    assert lr[int(peak)] == pytest.approx(1.0)
    assert lr[99] == pytest.approx(1 / 25 / 1e4, rel=1e-4)
    np.testing.assert_allclose(lr[99:], lr[99])  # stays at the floor
    assert np.all(np.diff(lr[: int(peak) + 1]) > 0) and np.all(np.diff(lr[int(peak) : 100]) < 0)
    t = 50
    expected = 1 / 25e4 + (1.0 - 1 / 25e4) * 0.5 * (
        1 + math.cos(math.pi * (t - peak) / (99 - peak))
    )
    assert lr[t] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    "schedule",
    [
        schedules.CosineDecay(0.1, 50, alpha=0.2),
        schedules.LinearWarmup(schedules.CosineDecay(0.1, 50), 5),
        schedules.OneCycle(0.3, 80, pct_start=0.25),
    ],
)
def test_schedules_round_trip_through_keras_serialization(schedule):
    clone = keras.optimizers.schedules.deserialize(keras.optimizers.schedules.serialize(schedule))
    assert type(clone) is type(schedule)
    np.testing.assert_allclose(values(clone, range(90)), values(schedule, range(90)))


@pytest.mark.parametrize(
    ("factory", "kwargs", "arg"),
    [
        (
            schedules.CosineDecay,
            {"initial_learning_rate": -0.1, "decay_steps": 10},
            "initial_learning_rate",
        ),
        (schedules.CosineDecay, {"initial_learning_rate": 0.1, "decay_steps": 0}, "decay_steps"),
        (
            schedules.CosineDecay,
            {"initial_learning_rate": 0.1, "decay_steps": 10, "alpha": 2.0},
            "alpha",
        ),
        (schedules.LinearWarmup, {"schedule": 0.1, "warmup_steps": 0}, "warmup_steps"),
        (schedules.OneCycle, {"max_learning_rate": 0.0, "total_steps": 10}, "max_learning_rate"),
        (
            schedules.OneCycle,
            {"max_learning_rate": 0.1, "total_steps": 10, "pct_start": 1.0},
            "pct_start",
        ),
    ],
)
def test_schedules_reject_bad_arguments(factory, kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        factory(**kwargs)


def test_landscape_gradients_match_the_analytic_rosenbrock_gradient():
    x, y = -1.2, 0.7
    _, grad = landscapes.gradient(landscapes.RAVINE, [x, y])
    expected = [-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)]
    np.testing.assert_allclose(grad.numpy(), expected, rtol=1e-5)


def test_run_trajectory_with_plain_sgd_is_gradient_descent_by_hand():
    path = landscapes.run_trajectory(optim.SGD(0.1), landscapes.BOWL, (3.0, 1.5), steps=5)
    expected = [np.array([3.0, 1.5])]
    for _ in range(5):
        x, y = expected[-1]
        expected.append(expected[-1] - 0.1 * np.array([x, 10 * y]))  # grad of 0.5x^2 + 5y^2
    np.testing.assert_allclose(path, np.array(expected), rtol=1e-5)


def test_sgd_stalls_on_the_plateau_where_adam_escapes():
    sgd = landscapes.run_trajectory(optim.SGD(0.1), "plateau", steps=200)
    adam = landscapes.run_trajectory(optim.Adam(0.1), "plateau", steps=200)
    assert np.linalg.norm(sgd[-1] - sgd[0]) < 0.05
    assert float(landscapes.PLATEAU(adam[-1])) < 1e-3


def test_clipping_prevents_the_jump_off_the_cliff():
    lr, clip = 0.1, 1.0
    free = landscapes.run_trajectory(optim.SGD(lr), "cliff", steps=200)
    clipped = landscapes.run_trajectory(optim.SGD(lr), "cliff", steps=200, clipnorm=clip)
    free_steps = np.linalg.norm(np.diff(free, axis=0), axis=1)
    clipped_steps = np.linalg.norm(np.diff(clipped, axis=0), axis=1)
    assert free_steps.max() > 3.0  # catapulted off the cliff face
    assert clipped_steps.max() <= lr * clip * (1 + 1e-5)
    cliff = landscapes.CLIFF
    assert float(cliff(clipped[-1])) < float(cliff(free[-1]))


def test_switching_phases_continue_from_the_last_point():
    adam = optim.Adam(0.05)
    path, starts = landscapes.run_phases(
        [(adam, 30), (optim.SGD(1e-3, momentum=0.9), 20)], "ravine"
    )
    assert path.shape == (51, 2) and starts == [0, 30]
    alone = landscapes.run_trajectory(optim.Adam(0.05), "ravine", steps=30)
    np.testing.assert_allclose(path[:31], alone, rtol=1e-6)


def test_unknown_landscape_and_bad_clipnorm():
    with pytest.raises(ValueError, match="landscape"):
        landscapes.get("swamp")
    with pytest.raises(ValueError, match="clipnorm"):
        landscapes.run_trajectory(optim.SGD(0.1), "bowl", steps=1, clipnorm=0.0)
