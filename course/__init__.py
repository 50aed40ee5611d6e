"""`course`: the library behind the TensorFlow/Keras course notebooks.

Importing `course` is cheap and does not import TensorFlow. It only sets quiet defaults for
TensorFlow's C++ logging before TensorFlow can load (never overriding a value the user set).
Submodules load on first access, so ``course.layers`` works without an explicit import.

Every package ``__init__`` exports one way: an ``__all__`` of public names, each imported
from a public submodule (``from course.pkg.module import name``). A package that must stay cheap
to import (`augment`, `generative`, `models`, part of `data`) declares the same names as
``{submodule: names}`` through `course._lazy.lazy_exports`, which loads them on first access; a
package of submodules used by name (`nn`, `experiments`) lists those submodules in ``__all__``.
"""

import importlib
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from course.saving import defer_registration as _defer_registration  # noqa: E402 (after the defaults)

_defer_registration()  # plain keras.saving.load_model then finds course classes; see course.saving

__version__ = "0.1.0"

_SUBMODULES = (
    "analysis",
    "artifacts",
    "augment",
    "cli",
    "config",
    "data",
    "ensemble",
    "experiments",
    "generative",
    "homework",
    "layers",
    "model_selection",
    "models",
    "nn",
    "notebooks",
    "optim",
    "profiles",
    "regularization",
    "saving",
    "semisupervised",
    "table",
    "train",
    "transfer",
    "viz",
)


def setup(seed=0, deterministic=False, verbose=True):
    """Seed everything, silence TensorFlow and report the device; see `course.config.setup`."""
    from course import config

    return config.setup(seed=seed, deterministic=deterministic, verbose=verbose)


def load_model(path, **kwargs):
    """Load a `.keras` file that uses course classes, in any process; see `course.saving`."""
    from course import saving

    return saving.load_model(path, **kwargs)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"course.{name}")
    raise AttributeError(f"module 'course' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
