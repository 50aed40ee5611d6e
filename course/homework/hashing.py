"""Compare answers with stored digests, so a check holds no solution in readable form.

Values are rounded to `decimals` before hashing; a question's digest is made once by
`scripts/homework_digests.py` from the instructor's solution notebook.
"""
import hashlib

import numpy as np

DECIMALS = 4


def digest(value, decimals=DECIMALS):
    """SHA-256 of the value rounded to `decimals` (arrays keep their shape)."""
    array = np.round(np.asarray(value, dtype="float64"), decimals) + 0.0  # +0.0 folds -0.0 into 0.0
    payload = f"{array.shape}|" + ",".join(f"{v:.{decimals}f}" for v in array.ravel())
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def assert_digest(value, expected, hint):
    """Raise AssertionError(hint) unless `value` hashes to `expected`."""
    assert digest(value) == expected, hint
