"""course.validation: NaN never passes, inf only on opt-in, and every message names the argument."""

import fractions
import math

import numpy as np
import pytest

from course.validation import check_axis, check_choice, check_number


@pytest.mark.parametrize("bad", [float("nan"), np.float32("nan"), np.float64("nan")])
@pytest.mark.parametrize("bounds", [{}, {"low": 0}, {"high": 1}, {"low": 0, "high": 1}])
def test_nan_is_rejected_whatever_the_bounds(bad, bounds):
    with pytest.raises(ValueError, match=r"^rate must be a number in .*got nan"):
        check_number("rate", bad, **bounds)
    with pytest.raises(ValueError, match="rate"):
        check_number("rate", bad, finite=False, **bounds)


@pytest.mark.parametrize("bad", [math.inf, -math.inf, np.float32("inf")])
def test_inf_is_rejected_unless_the_caller_opts_in(bad):
    with pytest.raises(ValueError, match=r"^patience must be a finite number in \[-inf, inf\]"):
        check_number("patience", bad)
    assert check_number("patience", bad, finite=False) == bad


def test_opted_in_inf_still_respects_the_bounds():
    assert check_number("patience", math.inf, low=0, finite=False) == math.inf
    with pytest.raises(ValueError, match=r"patience must be in \[0, inf\], got -inf"):
        check_number("patience", -math.inf, low=0, finite=False)
    with pytest.raises(ValueError, match=r"clip must be in \[-inf, 10\], got inf"):
        check_number("clip", math.inf, high=10, finite=False)


@pytest.mark.parametrize(
    "value,kw,message",
    [
        (-0.1, {"low": 0, "high": 1}, r"p must be in \[0, 1\], got -0.1"),
        (1.0, {"low": 0, "high": 1, "high_open": True}, r"p must be in \[0, 1\), got 1.0"),
        (0, {"low": 0, "low_open": True}, r"p must be in \(0, inf\], got 0"),
        (1e300, {"high": 1e6}, r"p must be in \[-inf, 1000000.0\], got 1e\+300"),
    ],
)
def test_range_messages_name_argument_interval_and_value(value, kw, message):
    with pytest.raises(ValueError, match=message):
        check_number("p", value, **kw)


@pytest.mark.parametrize("value", ["0.5", None, [0.5], np.array([0.5]), True, 1j])
def test_non_numbers_raise_type_error_naming_the_type(value):
    with pytest.raises(TypeError, match=rf"^p must be a number, got .*\({type(value).__name__}\)"):
        check_number("p", value)


@pytest.mark.parametrize("value", [2.0, np.float64(2.0), "2", False])
def test_integer_arguments_refuse_floats_and_bools(value):
    with pytest.raises(TypeError, match=r"^n must be an int"):
        check_number("n", value, integer=True)


@pytest.mark.parametrize(
    "value", [0.25, np.float32(0.25), np.int64(3), 3, fractions.Fraction(1, 4)]
)
def test_accepted_numbers_come_back_unchanged(value):
    assert check_number("p", value, low=0, high=3) is value


def test_huge_ints_are_compared_exactly_not_through_float():
    huge = 10**400  # float(huge) would overflow
    assert check_number("n", huge, low=1, integer=True) == huge
    with pytest.raises(ValueError, match=r"n must be in \[-inf, 1000\]"):
        check_number("n", huge, high=1000, integer=True)


def test_check_choice_lists_the_choices_and_survives_unhashable_values():
    assert check_choice("mode", "a", ("a", "b")) == "a"
    with pytest.raises(ValueError, match=r"^mode must be one of 'a', 'b'; got 'c'"):
        check_choice("mode", "c", ("a", "b"))
    with pytest.raises(ValueError, match=r"^mode must be one of 'a', 'b'; got \['a'\]"):
        check_choice("mode", ["a"], {"a": 1, "b": 2})
    with pytest.raises(ValueError, match="mode must be one of"):
        check_choice("mode", float("nan"), (0.0, 1.0))


def test_check_axis_normalises_and_names_the_argument():
    assert check_axis("axis", -1, 4) == 3
    with pytest.raises(
        ValueError, match=r"axis=4 is out of range for an input of rank 4 \(accepted: -4 to 3\)"
    ):
        check_axis("axis", 4, 4)
    with pytest.raises(TypeError, match="^axis must be an int"):
        check_axis("axis", 1.0, 4)


def test_check_array_converts_and_rejects_non_finite_wrong_rank_and_text():
    from course.validation import check_array

    np.testing.assert_array_equal(check_array("x", [[1, 2]], ndim=2), [[1.0, 2.0]])
    with pytest.raises(
        ValueError, match=r"^x must hold finite numbers only, got NaN or inf at 1 of 3"
    ):
        check_array("x", [1.0, np.inf, 2.0])
    assert np.isnan(check_array("x", [np.nan], finite=False)).all()
    with pytest.raises(ValueError, match=r"^x must have rank 1 or 2, got shape \(1, 1, 1\)"):
        check_array("x", np.zeros((1, 1, 1)), ndim=(1, 2))
    with pytest.raises(TypeError, match="^x must be an array of numbers, got str"):
        check_array("x", "1.5")
    with pytest.raises(ValueError, match="^x must be a rectangular array"):
        check_array("x", [[1, 2], [3]])


def test_check_labels_wants_integer_indices_in_range():
    from course.validation import check_labels

    np.testing.assert_array_equal(check_labels("y", np.array([0, 2], dtype="uint8"), 3), [0, 2])
    with pytest.raises(
        ValueError, match=r"^y must be integer class indices in \[0, 3\), got values from -1 to 2"
    ):
        check_labels("y", [-1, 2], 3)
    with pytest.raises(
        TypeError, match=r"^y must be integer class indices in \[0, 3\), got dtype float64"
    ):
        check_labels("y", [0.0, 1.0], 3)


def test_check_labels_in_a_traced_graph_checks_dtype_now_and_range_when_run():
    import tensorflow as tf

    from course.validation import check_labels

    checked = tf.function(lambda y: check_labels("y", y, 3))
    np.testing.assert_array_equal(checked(tf.constant([0, 2], tf.int32)), [0, 2])
    assert checked(tf.constant([0, 2], tf.int32)).dtype == tf.int64
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"y must be integer class indices"):
        checked(tf.constant([0, 3]))
    with pytest.raises(
        TypeError, match=r"y must be integer class indices in \[0, 3\), got dtype float32"
    ):
        checked(tf.constant([0.0, 1.0]))


def test_check_learning_rate_takes_numbers_and_schedules():
    from course.validation import check_learning_rate

    assert check_learning_rate(0) == 0.0 and check_learning_rate(3) == 3.0
    schedule = lambda step: 0.1  # noqa: E731
    assert check_learning_rate(schedule) is schedule
    with pytest.raises(ValueError, match=r"^learning_rate must be in \(0, inf\], got 0.0"):
        check_learning_rate(0.0, positive=True)
    with pytest.raises(ValueError, match=r"^learning_rate must be in \[0, inf\], got -0.001"):
        check_learning_rate(-1e-3)
    with pytest.raises(TypeError, match="^learning_rate must be a non-negative float"):
        check_learning_rate("0.1")
    with pytest.raises(TypeError, match="^learning_rate"):
        check_learning_rate(True)
