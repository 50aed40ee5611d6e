"""Argument checks shared by the library, so bad input fails early with one message style.

Every error names the argument, the accepted values and the value received. NaN is never a
valid number; infinity is accepted only where the caller opts in with ``finite=False``.
"""

import difflib
import math
import numbers
import sys


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


def check_learning_rate(learning_rate, positive=False, name="learning_rate"):
    """A learning rate: a number >= 0 (> 0 with ``positive``) returned as float, or a schedule
    (any callable, `LearningRateSchedule` included) returned as it is.

    Keras accepts a rate of 0 (a frozen run); the trainer asks for ``positive`` because a run
    that cannot move its weights is a mistake there. `name` is what the caller passed (e.g.
    "optimizer.learning_rate" for the rate inside a given optimizer).
    """
    if isinstance(learning_rate, numbers.Real) and not isinstance(learning_rate, bool):
        return float(check_number(name, learning_rate, 0, low_open=positive))
    if callable(learning_rate):
        return learning_rate
    raise TypeError(
        f"{name} must be a non-negative float, a LearningRateSchedule or a "
        f"callable, got {learning_rate!r} ({type(learning_rate).__name__})"
    )


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


def check_labels(name, labels, num_classes):
    """Integer class labels in ``[0, num_classes)`` as int64 (one-hot or float labels fail).

    Concrete labels (lists, NumPy arrays, eager tensors) are checked at once. A tensor being
    traced into a graph has no values yet: its dtype is checked now and its range by
    `tf.debugging` assertions that fire when the step runs (a label outside the classes would
    otherwise read an arbitrary embedding row or decode with an all-zero one-hot); a Keras
    symbolic input is returned as it is. Callers that need int32 cast the result.
    """
    import numpy as np

    accepted = f"{name} must be integer class indices in [0, {num_classes})"
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(labels, keras.KerasTensor):
        return labels  # a symbolic build: nothing to check yet
    tf = sys.modules.get("tensorflow")
    if tf is not None and tf.is_tensor(labels) and not tf.executing_eagerly():
        if not labels.dtype.is_integer:
            raise TypeError(f"{accepted}, got dtype {labels.dtype.name}")
        labels = tf.cast(labels, "int64")
        checks = [
            tf.debugging.assert_non_negative(labels, message=accepted),
            tf.debugging.assert_less(labels, tf.constant(num_classes, "int64"), message=accepted),
        ]
        with tf.control_dependencies(checks):
            return tf.identity(labels)
    array = np.asarray(labels)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{accepted}, got dtype {array.dtype} with shape {array.shape}")
    if array.size and (array.min() < 0 or array.max() >= num_classes):
        raise ValueError(f"{accepted}, got values from {array.min()} to {array.max()}")
    return array.astype("int64")


def plain_error(error):
    """`error`, marked so that Keras passes it on unchanged when it is raised inside a layer's or
    model's `call`: Keras otherwise rewrites the text of any exception from `call` into
    "Exception encountered when calling ...", with the original message between terminal colour
    codes, so the message no longer starts with the argument's name. Use as
    ``raise plain_error(ValueError(...))``."""
    error._keras_call_info_injected = True  # Keras' own mark for "context already added"
    return error


def check_examples(name, value, ndim=None, allow_empty=False):
    """`value` as a numpy array of numbers (its own dtype kept), or raise naming `name`: None,
    text, objects and ragged lists fail with TypeError/ValueError, as do a rank other than
    `ndim` (an int or a tuple of accepted ranks) and, unless `allow_empty`, zero examples."""
    import numpy as np

    if value is None or isinstance(value, (str, bytes, dict)):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # ragged nested lists, tensors that cannot be read
        raise ValueError(
            f"{name} must be a rectangular array of numbers, got a ragged {type(value).__name__}"
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be an array of numbers, got {type(value).__name__} of dtype {array.dtype}"
        )
    ranks = (ndim,) if isinstance(ndim, int) else ndim
    if ranks is not None and array.ndim not in ranks:
        listed = " or ".join(str(r) for r in ranks)
        raise ValueError(f"{name} must have rank {listed}, got shape {array.shape}")
    if not allow_empty and (array.ndim == 0 or array.shape[0] == 0 or array.size == 0):
        raise ValueError(f"{name} must hold at least one example, got shape {array.shape}")
    return array


def check_same_length(reference, **arrays):
    """Raise unless every array in `arrays` has as many rows as the array named `reference`
    (one label per example, say); the message names both arguments and both lengths."""
    expected = len(arrays[reference])
    for name, array in arrays.items():
        if len(array) != expected:
            raise ValueError(
                f"{name} must have one entry per row of {reference}: {reference} has "
                f"{expected}, {name} has {len(array)}"
            )


def check_type(name, value, types, described):
    """Raise TypeError unless `value` is an instance of `types`; `described` says what is
    accepted in words ("a keras.Model", "a path (str or os.PathLike)")."""
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
        raise TypeError(f"{name} must be {described}, got {type(value).__name__}")
    return value


def check_callable(name, value, described="a callable"):
    """Raise TypeError unless `value` can be called (a function, a model, a layer)."""
    if not callable(value):
        raise TypeError(f"{name} must be {described}, got {type(value).__name__}")
    return value


def _as_tuple(types):
    return types if isinstance(types, tuple) else (types,)


def check_model(name, value):
    """Raise TypeError unless `value` can stand for a Keras model here: it has a `predict`
    method (a `keras.Model`, or a small stand-in with the same interface)."""
    if not callable(getattr(value, "predict", None)):
        raise TypeError(f"{name} must be a keras.Model, got {type(value).__name__}")
    return value


def check_sized(name, value, described="an array, a tensor or a list"):
    """Raise TypeError unless `value` has a length (arrays, tensors, lists): None, numbers,
    text and dicts fail naming `name` (a bare ``len()`` would raise Python's own text)."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name} must be {described}, got {type(value).__name__}")
    return value


def check_image_batch(name, images):
    """Raise unless `images` is a non-empty batch (N, H, W, C) of numbers: a NumPy array, a
    tensor (only its static shape and dtype are read, so this works while tracing) or nested
    lists. Returns `images` (lists as a NumPy array)."""
    if not (hasattr(images, "shape") and hasattr(images, "dtype")):
        images = check_examples(name, images)
    shape = tuple(images.shape)
    dtype = str(getattr(images.dtype, "name", images.dtype))
    if dtype in ("bool", "string", "object") or dtype.startswith(("complex", "<U", "|S")):
        raise TypeError(f"{name} must be a batch of images of numbers, got dtype {dtype}")
    if len(shape) != 4:
        raise ValueError(f"{name} must have shape (batch, height, width, channels), got {shape}")
    if shape[0] == 0:
        raise ValueError(f"{name} must hold at least one image, got shape {shape}")
    return images


def check_waveform(name, waveform, min_samples=1, ndim=None):
    """Raise unless `waveform` is numbers shaped (..., samples) with at least `min_samples`
    samples (and, if given, rank `ndim`). Only the static shape and dtype of a tensor are read,
    so this works while tracing. Returns `waveform` (lists as a NumPy array)."""
    if not (hasattr(waveform, "shape") and hasattr(waveform, "dtype")):
        waveform = check_examples(name, waveform, allow_empty=True)
    shape = tuple(waveform.shape)
    dtype = str(getattr(waveform.dtype, "name", waveform.dtype))
    if dtype in ("bool", "string", "object") or dtype.startswith(("complex", "<U", "|S")):
        raise TypeError(f"{name} must be a waveform of numbers, got dtype {dtype}")
    if not shape or (ndim is not None and len(shape) != ndim):
        expected = "(..., samples)" if ndim is None else f"rank {ndim}"
        raise ValueError(f"{name} must have shape {expected}, got {shape}")
    if shape[-1] is not None and shape[-1] < min_samples:
        raise ValueError(f"{name} must have at least {min_samples} samples, got shape {shape}")
    return waveform


def check_pixels(name, images, low=0.0, high=1.0):
    """Raise unless `images` is a concrete batch of images with every value in [low, high]
    (a model whose likelihood is defined on [0, 1] returns inf for 8-bit pixel values)."""
    import numpy as np

    array = np.asarray(check_image_batch(name, images), dtype="float64")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite pixel values, got NaN or inf")
    if array.min() < low or array.max() > high:
        hint = " (divide 8-bit images by 255)" if array.max() > 1 and high == 1.0 else ""
        raise ValueError(
            f"{name} must hold pixels in [{low:g}, {high:g}]{hint}, got values from "
            f"{array.min():g} to {array.max():g}"
        )
    return images
