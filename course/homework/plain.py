"""Plain data between the grader and a sandboxed submission: JSON whose arrays travel as base64
bytes.

Nothing that runs code crosses the boundary (no pickle): numbers, strings, booleans, lists, dicts
with string keys and numeric/boolean arrays only. Tuples become lists; a value of any other type
is refused with a TypeError naming it, and `decode` refuses malformed input with a ValueError.
"""

import base64
import json

import numpy as np

ARRAY = "__array__"
_KINDS = "biufc"  # bool, integers, floats, complex: arrays that hold numbers only


def to_plain(value):
    """`value` as JSON-ready plain data (arrays as tagged base64 dicts); TypeError on anything
    else."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, np.generic):
        return value
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"dict keys must be strings, got {sorted(map(repr, value))[:5]}")
        return {k: to_plain(v) for k, v in value.items()}
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):  # a TensorFlow/Keras tensor
        value = value.numpy()
    array = np.asarray(value) if isinstance(value, (np.ndarray, np.generic)) else None
    if array is None or array.dtype.kind not in _KINDS:
        raise TypeError(
            f"not plain data (numbers, strings, lists or numeric arrays): {type(value).__name__}"
        )
    array = array.copy(order="C")  # np.ascontiguousarray would turn a 0-d array into 1-d
    return {
        ARRAY: base64.b64encode(array.tobytes()).decode("ascii"),
        "dtype": array.dtype.str,
        "shape": list(array.shape),
    }


def from_plain(value):
    """Inverse of `to_plain`: tagged dicts back to arrays (0-d arrays to NumPy scalars)."""
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if isinstance(value, dict):
        if ARRAY in value:
            return _array(value)
        return {k: from_plain(v) for k, v in value.items()}
    return value


def _array(tagged):
    """A tagged array dict back to an array, refusing non-numeric dtypes and inconsistent sizes."""
    try:
        dtype, shape = np.dtype(tagged["dtype"]), tuple(int(s) for s in tagged["shape"])
        data = base64.b64decode(tagged[ARRAY], validate=True)
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"malformed array in plain data: {err}") from None
    if dtype.kind not in _KINDS or len(data) != dtype.itemsize * int(np.prod(shape, dtype="int64")):
        raise ValueError(
            f"malformed array in plain data: dtype {dtype}, shape {shape}, {len(data)} bytes"
        )
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    return array[()] if array.ndim == 0 else array.copy()


def encode(value):
    """One line of JSON for `value`."""
    return json.dumps(to_plain(value), separators=(",", ":"), allow_nan=True)


def decode(text):
    """The value of one line of JSON written by `encode`."""
    return from_plain(json.loads(text))
