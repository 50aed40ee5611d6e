"""`course.generative.vae_variants`: the notebook's and the benchmark's recipes, and the stored
figures file the benchmark writes."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course.data import load_digits
from course.generative import vae_variants

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small_digits():
    return load_digits(max_samples=120)


def test_every_variant_trains_and_a_seed_repeats_it(small_digits):
    for name in vae_variants.VARIANTS:
        first = vae_variants.train(name, small_digits, epochs=1, seed=3)
        again = vae_variants.train(name, small_digits, epochs=1, seed=3)
        for a, b in zip(first.get_weights(), again.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
    other = vae_variants.train("VAE", small_digits, epochs=1, seed=4)
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(first.get_weights(), other.get_weights(), strict=False)
    )


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda d: vae_variants.build("VAE2", d.input_shape), ValueError, "did you mean 'VAE'"),
        (lambda d: vae_variants.build("VAE", d.input_shape, seed=-1), ValueError, "seed"),
        (lambda d: vae_variants.train("VAE", d, epochs=0), ValueError, "epochs"),
        (lambda d: vae_variants.train("VAE", d, epochs=1.5), TypeError, "epochs must be an int"),
    ],
)
def test_bad_input_names_the_argument(small_digits, call, error, match):
    with pytest.raises(error, match=match):
        call(small_digits)


def test_missing_figures_name_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="vae_quality.py"):
        vae_variants.stored_figures(tmp_path / "none.json")


def test_the_benchmark_writes_the_stored_figures_file_at_a_tiny_size(tmp_path):
    """The stored file is what `FIGURES_COMMAND` writes: run at a tiny size, the script writes the
    same fields for every variant, and the stored file comes from at least 3 training seeds."""
    output = tmp_path / "figures.json"
    script = ROOT / vae_variants.FIGURES_COMMAND.split()[-1]
    tiny = ["--epochs", "1", "--samples-per-class", "5", "--max-samples", "200", "--seeds", "0,1"]
    subprocess.run(
        [sys.executable, str(script), *tiny, "--output", str(output)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    fresh, stored = vae_variants.stored_figures(output), vae_variants.stored_figures()
    assert fresh.keys() == stored.keys() and fresh["command"] == stored["command"]
    assert set(fresh["variants"]) == set(stored["variants"]) == set(vae_variants.VARIANTS)
    for name, figures in stored["variants"].items():
        assert fresh["variants"][name].keys() == figures.keys(), name
    assert len(stored["seeds"]) >= 3 and stored["epochs"] == 100
    mse = fresh["variants"]["VAE"]["per_seed"]["reconstruction_mse"]
    assert fresh["variants"]["VAE"]["reconstruction_mse"] == pytest.approx(np.mean(mse))
