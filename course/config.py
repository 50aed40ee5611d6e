"""Run configuration: seeding and determinism, quiet TensorFlow start-up, the device report.

What fast mode (``COURSE_FAST=1``, set by the test configuration) shrinks is named in one place,
the run profile (`course.profiles`); `setup` prints which profile is active.
"""

import os
import random
import sys
import tempfile
from dataclasses import dataclass

from course.profiles import profile


def in_colab():
    """True inside a Google Colab runtime."""
    return "google.colab" in sys.modules


@dataclass(frozen=True)
class DeviceReport:
    """What hardware TensorFlow sees and what that implies for training."""

    cpus: int
    gpus: tuple
    tpu: bool
    mixed_precision_helps: bool

    @property
    def kind(self):
        return "TPU" if self.tpu else ("GPU" if self.gpus else "CPU")

    def __str__(self):
        if self.gpus:
            names = ", ".join(self.gpus)
            extra = (
                "mixed precision helps"
                if self.mixed_precision_helps
                else "mixed precision would not help"
            )
            return f"device: {len(self.gpus)} GPU(s) [{names}]; {extra}"
        if self.tpu:
            return "device: TPU"
        return f"device: CPU ({self.cpus} cores); mixed precision off (no GPU)"


def _has_tensor_cores(details):
    """Mixed float16 pays off on GPUs of compute capability 7.0 (Volta) and newer."""
    capability = details.get("compute_capability")
    return bool(capability) and tuple(capability) >= (7, 0)


def device_report():
    """Inspect TensorFlow's visible devices and return a `DeviceReport`."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    names, helps = [], bool(gpus)
    for gpu in gpus:
        details = tf.config.experimental.get_device_details(gpu)
        names.append(details.get("device_name", gpu.name))
        helps = helps and _has_tensor_cores(details)
    tpu = bool(tf.config.list_logical_devices("TPU")) or "COLAB_TPU_ADDR" in os.environ
    return DeviceReport(os.cpu_count() or 1, tuple(names), tpu, helps)


COLAB_GPU_HINT = (
    "No GPU in this Colab runtime. For faster training choose "
    "Runtime > Change runtime type > Hardware accelerator: GPU, then rerun this cell."
)


def setup(seed=0, deterministic=False, verbose=True):
    """Seed Python, NumPy and Keras/TensorFlow; optionally make TF ops deterministic.

    Returns the `DeviceReport`. With ``deterministic=True`` TensorFlow picks deterministic
    kernels (slower on GPU), so a CPU or GPU run repeats bit for bit.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    import_tensorflow_quietly()
    import keras
    import numpy as np
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    report = device_report()
    if verbose:
        mode = profile().name
        print(
            f"course {_version()} | TF {tf.__version__} | Keras {keras.__version__} | "
            f"{mode} mode | seed {seed}"
        )
        print(report)
        if in_colab() and report.kind == "CPU":
            print(COLAB_GPU_HINT)
    return report


# What TensorFlow's C++ runtime writes straight to file descriptor 2 while it loads, before its
# logging is initialised (so TF_CPP_MIN_LOG_LEVEL cannot silence it): absl's warning that logs go
# to stderr, and the CPU-only notice that no CUDA driver was found.
STARTUP_NOISE = ("absl::InitializeLog", "cudart_stub.cc")


def import_tensorflow_quietly():
    """Import TensorFlow with its two start-up lines of C++ log noise held back.

    Everything else written to stderr during the import (a CUDA library that fails to load on a
    GPU runtime, say) is passed on unchanged. A no-op once TensorFlow is imported.
    """
    if "tensorflow" in sys.modules:
        return
    with tempfile.TemporaryFile() as capture:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(capture.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        capture.seek(0)
        lines = capture.read().decode("utf-8", "replace").splitlines(keepends=True)
    kept = [line for line in lines if not any(marker in line for marker in STARTUP_NOISE)]
    if kept:
        sys.stderr.write("".join(kept))
        sys.stderr.flush()


def _version():
    from course import __version__

    return __version__
