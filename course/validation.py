"""Argument checks shared by the library, so bad input fails early with one message style.

Every error names the argument, the accepted values and the value received. NaN is never a
valid number; infinity is accepted only where the caller opts in with ``finite=False``.
"""

import difflib
import math
import numbers


def _interval(low, high, low_open, high_open):
    """The accepted interval written the way the messages show it, e.g. ``[0, 1)``."""
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    lo = "-inf" if low is None else low
    hi = "inf" if high is None else high
    return f"{left}{lo}, {hi}{right}"


def check_number(
    name, value, low=None, high=None, low_open=False, high_open=False, integer=False, finite=True
):
    """Raise if `value` is not a number in the interval given by `low`/`high`.

    ``low_open``/``high_open`` exclude the end point. NaN always fails (every comparison with
    NaN is false, so a range check alone would let it through); ``inf``/``-inf`` fail unless
    ``finite=False``, for arguments where infinity means "no limit". Returns the value, so checks
    can be chained into assignments.
    """
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = "an int" if integer else "a number"
        raise TypeError(f"{name} must be {expected}, got {value!r} ({type(value).__name__})")
    accepted = _interval(low, high, low_open, high_open)
    if not isinstance(value, numbers.Integral):  # ints are never NaN/inf (and may exceed float)
        if math.isnan(value):
            raise ValueError(f"{name} must be a number in {accepted}, got nan")
        if finite and math.isinf(value):
            raise ValueError(f"{name} must be a finite number in {accepted}, got {value!r}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be in {accepted}, got {value!r}")
    return value


def check_seed(seed, name="seed"):
    """A seed is None (fresh randomness) or a non-negative int."""
    if seed is not None:
        check_number(name, seed, 0, integer=True)
    return seed


def check_choice(name, value, choices):
    """Raise unless `value` is one of `choices`; the message lists them and, for a misspelt
    name, suggests the closest one."""
    try:
        found = value in choices
    except TypeError:  # an unhashable value looked up in a dict or set of choices
        found = False
    if not found:
        listed = ", ".join(repr(c) for c in choices)
        names = [c for c in choices if isinstance(c, str)]
        close = difflib.get_close_matches(value, names, n=1) if isinstance(value, str) else []
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"{name} must be one of {listed}; got {value!r}{hint}")
    return value


def check_axis(name, axis, ndim):
    """Normalise a possibly negative axis for an `ndim`-dimensional input, or raise."""
    check_number(name, axis, integer=True)
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{name}={axis} is out of range for an input of rank {ndim} "
            f"(accepted: {-ndim} to {ndim - 1})"
        )
    return axis % ndim


def check_array(name, value, ndim=None, finite=True):
    """`value` as a float64 numpy array, or raise if it is not numeric, has a rank other than
    `ndim` (an int or a tuple of accepted ranks), or holds NaN/inf while `finite`."""
    import numpy as np

    try:
        raw = np.asarray(value)
    except ValueError:  # ragged nested lists
        raise ValueError(
            f"{name} must be a rectangular array of numbers, got a ragged {type(value).__name__}"
        ) from None
    if raw.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be an array of numbers, got {type(value).__name__} of dtype {raw.dtype}"
        )
    array = raw.astype("float64")
    ranks = (ndim,) if isinstance(ndim, int) else ndim
    if ranks is not None and array.ndim not in ranks:
        listed = " or ".join(str(r) for r in ranks)
        raise ValueError(f"{name} must have rank {listed}, got shape {array.shape}")
    if finite and not np.isfinite(array).all():
        raise ValueError(
            f"{name} must hold finite numbers only, got NaN or inf "
            f"at {int((~np.isfinite(array)).sum())} of {array.size} entries"
        )
    return array


def check_labels(name, labels, n_classes):
    """Integer class labels in [0, n_classes) as an int64 array (one-hot or float labels fail)."""
    import numpy as np

    array = np.asarray(labels)
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be integer class indices in [0, {n_classes}), "
            f"got dtype {array.dtype} with shape {array.shape}"
        )
    if array.size and (array.min() < 0 or array.max() >= n_classes):
        raise ValueError(
            f"{name} must be integer class indices in [0, {n_classes}), "
            f"got values from {array.min()} to {array.max()}"
        )
    return array.astype("int64")


def plain_error(error):
    """`error`, marked so that Keras passes it on unchanged when it is raised inside a layer's or
    model's `call`: Keras otherwise rewrites the text of any exception from `call` into
    "Exception encountered when calling ...", with the original message between terminal colour
    codes, so the message no longer starts with the argument's name. Use as
    ``raise plain_error(ValueError(...))``."""
    error._keras_call_info_injected = True  # Keras' own mark for "context already added"
    return error
