"""Argument checks shared by the library, so bad input fails early with one message style.

Every error names the argument, the accepted values and the value received.
"""
import numbers


def check_number(name, value, low=None, high=None, low_open=False, high_open=False, integer=False):
    """Raise if `value` is not a number in the interval given by `low`/`high`.

    ``low_open``/``high_open`` exclude the end point. Returns the value, so checks can be
    chained into assignments.
    """
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = "an int" if integer else "a number"
        raise TypeError(f"{name} must be {expected}, got {value!r} ({type(value).__name__})")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValueError(f"{name} must be in {left}{lo}, {hi}{right}, got {value!r}")
    return value


def check_choice(name, value, choices):
    """Raise unless `value` is one of `choices`; the message lists them."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def check_axis(name, axis, ndim):
    """Normalise a possibly negative axis for an `ndim`-dimensional input, or raise."""
    check_number(name, axis, integer=True)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis} is out of range for an input of rank {ndim} "
                         f"(accepted: {-ndim} to {ndim - 1})")
    return axis % ndim
