"""BatchNorm momentum pitfall: slow moving averages leave a train/inference gap, fast ones close
it."""

import pytest

from course.data import load_digits
from course.experiments.bn_momentum import bn_momentum_gap


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_slow_momentum_leaves_a_gap_that_fast_momentum_shrinks(digits):
    slow_train, slow_inference = bn_momentum_gap(digits, momentum=0.99)
    fast_train, fast_inference = bn_momentum_gap(digits, momentum=0.5)
    assert slow_train - slow_inference > 0.1
    assert fast_train - fast_inference < slow_train - slow_inference


@pytest.mark.parametrize(
    ("kwargs", "arg"),
    [
        ({"momentum": 1.0}, "momentum"),
        ({"steps": 0}, "steps"),
        ({"steps": 10_000}, "steps"),
        ({"scale": 0}, "scale"),
    ],
)
def test_bad_arguments_are_named(digits, kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        bn_momentum_gap(digits, **{"momentum": 0.9, **kwargs})
