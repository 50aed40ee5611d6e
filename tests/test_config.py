"""`course.setup` and the run profile it reports, import-time environment defaults, the device
report."""

import os
import subprocess
import sys

import numpy as np
import pytest

import course
from course import config, profiles


def _run(code, env=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_CPP", "TF_ENABLE"))}
    full_env.update(env or {})
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_import_sets_quiet_tf_defaults_without_importing_tensorflow():
    code = (
        "import os, sys, course; print(os.environ['TF_CPP_MIN_LOG_LEVEL'], "
        "os.environ['TF_ENABLE_ONEDNN_OPTS'], 'tensorflow' in sys.modules)"
    )
    assert _run(code) == "3 0 False"


def test_import_never_overrides_the_users_value():
    code = (
        "import os, course; "
        "print(os.environ['TF_CPP_MIN_LOG_LEVEL'], os.environ['TF_ENABLE_ONEDNN_OPTS'])"
    )
    assert _run(code, {"TF_CPP_MIN_LOG_LEVEL": "1", "TF_ENABLE_ONEDNN_OPTS": "1"}) == "1 1"


def test_setup_makes_a_cpu_run_repeatable():
    import keras

    def run():
        course.setup(seed=3, verbose=False)
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(3), course.layers.Dropout(0.5)]
        )
        x = np.random.rand(8, 4).astype("float32")
        return np.asarray(model(x, training=True)), x

    (a, xa), (b, xb) = run(), run()
    np.testing.assert_array_equal(xa, xb)
    np.testing.assert_array_equal(a, b)


def test_setup_reports_the_device(capsys):
    report = course.setup(seed=0)
    out = capsys.readouterr().out
    assert report.kind == "CPU" and "device: CPU" in out and "seed 0" in out
    assert not report.mixed_precision_helps


def test_colab_hint_only_on_colab_without_gpu(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", object())
    course.setup(seed=0)
    assert config.COLAB_GPU_HINT in capsys.readouterr().out
    monkeypatch.delitem(sys.modules, "google.colab")
    course.setup(seed=0)
    assert config.COLAB_GPU_HINT not in capsys.readouterr().out


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_setup_rejects_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        course.setup(seed=seed)


def test_setup_reports_the_active_profile(capsys, monkeypatch):
    for flag, name in (("1", "fast"), ("0", "full")):
        monkeypatch.setenv(profiles.FAST_ENV, flag)
        course.setup(seed=0)
        assert f"| {name} mode |" in capsys.readouterr().out


def test_the_fast_mode_helpers_are_gone():
    """Sizes are read by name from `course.profiles`, never picked from a literal pair."""
    for name in ("pick", "epochs", "steps", "samples", "is_fast", "FAST_ENV"):
        assert not hasattr(config, name), f"course.config.{name} is back"


def test_mixed_precision_needs_compute_capability_7():
    assert config._has_tensor_cores({"compute_capability": (7, 5)})
    assert not config._has_tensor_cores({"compute_capability": (6, 1)})
    assert not config._has_tensor_cores({})


def test_unknown_attribute_of_the_package():
    with pytest.raises(AttributeError):
        _ = course.does_not_exist


def test_setup_holds_back_only_tensorflows_startup_noise():
    """A fresh interpreter: `course.setup()` prints its report, and no absl/cudart line on stderr.

    Where TensorFlow prints those lines when imported directly (2.21 does), the test can fail;
    where it prints none (2.20, Colab's), there is nothing to hold back and it says so.
    """
    code = "import course; course.setup(seed=0)"
    quiet = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert quiet.returncode == 0, quiet.stderr
    assert "device:" in quiet.stdout
    noisy = subprocess.run(
        [sys.executable, "-c", "import tensorflow"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    if not any(marker in noisy.stderr for marker in config.STARTUP_NOISE):
        pytest.skip("this TensorFlow prints no start-up noise on import: nothing to hold back")
    for marker in config.STARTUP_NOISE:
        assert marker not in quiet.stderr


def test_quiet_import_passes_other_stderr_lines_on(monkeypatch, capfd):
    """Only the known start-up lines are dropped: anything else written to fd 2 still shows."""
    import builtins

    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "tensorflow":
            os.write(
                2,
                b"W0000 cudart_stub.cc:31] Could not find cuda drivers\n"
                b"E0000 a real CUDA library error\n",
            )
            return real_import("math")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    config.import_tensorflow_quietly()
    err = capfd.readouterr().err
    assert "a real CUDA library error" in err and "cudart_stub" not in err
