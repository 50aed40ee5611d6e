"""Keras' own test files, run against the course classes.

The installed `keras` wheel ships its `*_test.py` files. Each one is imported here as a fresh
copy in which the Keras class is replaced by ours (`course.layers.Dropout` for
`layers.Dropout`, `course.optim.SGD` for `SGD`, ...), and its `TestCase` is subclassed with only
the selected behaviour tests: outputs, moving statistics, masks, mixed precision, serialization
round trips and golden trajectories. Every test Keras ships is either kept or listed in
`EXCLUDED` with the reason, and a test checks that the two lists cover the file exactly, so a
test added by a new Keras release is noticed. The `run_layer_test` tests (`*_basics`) also count
weights and seed generators; they are kept because the same call builds the layer, trains a
step, runs it under mixed precision, masks and round-trips it, and our layers create exactly
Keras' weights. Kept: 49 of Keras' 56 test methods (69 cases once parameterised); excluded: 7.
"""

import importlib.util
import inspect
import re
import types
import unittest
from pathlib import Path

import keras
import pytest

from course import layers as course_layers
from course import optim

KERAS_SRC = Path(keras.__file__).parent / "src"
if not (KERAS_SRC / "layers" / "regularization" / "dropout_test.py").exists():
    pytest.skip(
        f"the Keras {keras.__version__} wheel ships no *_test.py files (of the releases since "
        "3.11, only 3.12.x and 3.15.1 do)",
        allow_module_level=True,
    )
# Batch renormalization is new in Keras 3.14: older test files have no renorm tests to keep.
KERAS_RENORM = "renorm" in inspect.signature(keras.layers.BatchNormalization.__init__).parameters
RENORM_TESTS = [
    "test_renorm_basics",
    "test_renorm_invalid_clipping_keys",
    "test_renorm_stddev_initializer",
    "test_renorm_inference",
    "test_renorm_correctness",
]

WORDING = (
    "asserts Keras' exact error wording; ours names the argument in course.validation's "
    "style, and the same bad inputs are tested in tests/test_{}.py"
)
EXCLUDED = {
    "test_dropout_negative_rate": WORDING.format("layers_dropout"),
    "test_dropout_rate_greater_than_one": WORDING.format("layers_dropout"),
    "test_validate_noise_shape_non_iterable": WORDING.format("layers_dropout"),
    "test_validate_noise_shape_invalid_type": WORDING.format("layers_dropout")
    + " (a float entry is a TypeError here, like every wrong type in course.validation)",
    "test_validate_noise_shape_negative_value": WORDING.format("layers_dropout"),
    "test_validate_noise_shape_zero_value": WORDING.format("layers_dropout"),
    "test_invalid_momentum": WORDING.format("optim"),
}

# name: (test file under keras/src, its TestCase, globals -> names to replace, kept tests)
SUITES = {
    "Dropout": (
        "layers/regularization/dropout_test.py",
        "DropoutTest",
        lambda g: {"layers": _Proxy(g["layers"], Dropout=course_layers.Dropout)},
        [
            "test_dropout_basics",
            "test_dropout_rescaling",
            "test_dropout_partial_noise_shape_dynamic",
            "test_dropout_partial_noise_shape_static",
            "test_validate_noise_shape_none",
            "test_validate_noise_shape_integer_tuple",
            "test_validate_noise_shape_none_values",
            "test_validate_noise_shape_cast_to_a_tuple",
        ],
    ),
    "BatchNorm": (
        "layers/normalization/batch_normalization_test.py",
        "BatchNormalizationTest",
        lambda g: {"layers": _Proxy(g["layers"], BatchNormalization=course_layers.BatchNorm)},
        [
            "test_bn_basics",
            "test_correctness",
            "test_input_fully_masked",
            "test_bachnorm_ignore_masked_values",
            "test_trainable_behavior",
            "test_large_value_within_autocast_scope",
            "test_masked_broadcast_normalization",
            *(RENORM_TESTS if KERAS_RENORM else []),
            "test_serialization",
        ],
    ),
    "SGD": (
        "optimizers/sgd_test.py",
        "SGDTest",
        lambda g: {"SGD": optim.SGD},
        [
            "test_config",
            "test_single_step",
            "test_weight_decay",
            "test_correctness_with_golden",
            "test_clip_norm",
            "test_clip_value",
        ],
    ),
    "RMSprop": (
        "optimizers/rmsprop_test.py",
        "RMSpropTest",
        lambda g: {"RMSprop": optim.RMSprop},
        [
            "test_config",
            "test_single_step",
            "test_weight_decay",
            "test_correctness_with_golden",
            "test_clip_norm",
            "test_clip_value",
        ],
    ),
    "Adam": (
        "optimizers/adam_test.py",
        "AdamTest",
        lambda g: {"Adam": optim.Adam},
        [
            "test_config",
            "test_single_step",
            "test_weight_decay",
            "test_correctness_with_golden",
            "test_clip_norm",
            "test_clip_value",
            "test_ema",
            "test_ema_overwrite_frequency",
            "test_clipnorm_indexed_slices",
        ],
    ),
    "AdamW": (
        "optimizers/adamw_test.py",
        "AdamWTest",
        lambda g: {"AdamW": optim.AdamW},
        [
            "test_config",
            "test_single_step",
            "test_weight_decay",
            "test_weight_decay_is_none",
            "test_correctness_with_golden",
            "test_clip_norm",
            "test_clip_value",
        ],
    ),
}


class _Proxy:
    """Stands in for a module: the attributes in `classes` are ours, the rest are the module's."""

    def __init__(self, module, **classes):
        self._module, self._classes = module, classes

    def __getattr__(self, name):
        return self._classes[name] if name in self._classes else getattr(self._module, name)


def _load(relative_path, substitutes):
    """Import a private copy of Keras' test file; `substitutes(globals)` gives the names to
    overwrite in its namespace."""
    path = KERAS_SRC / relative_path
    name = "keras_own_tests." + path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    vars(module).update(substitutes(vars(module)))
    return module


def _base_name(method, kept):
    """The kept test a (possibly parameterised, e.g. `test_correctness7`) method comes from."""
    return next((k for k in kept if re.fullmatch(rf"{k}\d*", method)), None)


def _selected(suite):
    """Keras' TestCase for `suite`, reduced to the kept tests (the others are set to None)."""
    relative_path, case_name, substitutes, kept = SUITES[suite]
    case = getattr(_load(relative_path, substitutes), case_name)
    names = unittest.TestLoader().getTestCaseNames(case)
    hidden = {n: None for n in names if _base_name(n, kept) is None}
    return types.new_class(f"TestKeras{suite}", (case,), exec_body=lambda ns: ns.update(hidden))


TestKerasDropout = _selected("Dropout")
TestKerasBatchNorm = _selected("BatchNorm")
TestKerasSGD = _selected("SGD")
TestKerasRMSprop = _selected("RMSprop")
TestKerasAdam = _selected("Adam")
TestKerasAdamW = _selected("AdamW")


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_every_keras_test_is_kept_or_excluded_with_a_reason(suite):
    relative_path, case_name, _, kept = SUITES[suite]
    source = (KERAS_SRC / relative_path).read_text()
    defined = set(re.findall(r"^    def (test_\w+)\(", source, flags=re.M))
    assert defined == set(kept) | (defined & set(EXCLUDED)), "unlisted: " + ", ".join(
        sorted(defined - set(kept) - set(EXCLUDED))
    )
    assert set(kept) <= defined, "kept but no longer in Keras: " + ", ".join(
        sorted(set(kept) - defined)
    )
