"""`benchmarks/diffusion_quality.py --combine`: runs of different training seeds become the stored
file of means, spreads and per-seed values, and runs of different settings are refused."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "diffusion_quality.py"


def _benchmark():
    spec = importlib.util.spec_from_file_location("diffusion_quality", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(seed, fid):
    """The figures one training seed writes (one sampling seed), shortened to a few fields."""
    return {
        "command": f"python benchmarks/diffusion_quality.py --seed {seed}",
        "training_seed": seed,
        "machine": "test",
        "model": {"timesteps": 500, "schedule": "cosine", "train_seconds": 100.0 + seed},
        "samples": 1000,
        "sampling_seeds": 1,
        "floor": {"fid": 0.7},
        "steps_table": [
            {"sampler": "ddpm", "steps": 500, "fid": fid, "fid_spread": 0.0},
            {"sampler": "ddim", "steps": 20, "fid": fid + 1, "fid_spread": 0.0},
        ],
        "guidance_table": [{"guidance_scale": 1.0, "fid": fid}],
    }


def test_combine_averages_every_table_over_the_training_seeds():
    combined = _benchmark().combine([_run(0, 1.0), _run(1, 2.0), _run(2, 4.0)])
    assert combined["training_seeds"] == [0, 1, 2]
    ddpm, ddim = combined["steps_table"]
    assert ddpm["sampler"] == "ddpm" and ddim["steps"] == 20
    assert ddpm["fid"] == pytest.approx(7 / 3) and ddim["per_seed"]["fid"] == [2.0, 3.0, 5.0]
    assert ddpm["fid_std"] == pytest.approx(np.std([1.0, 2.0, 4.0], ddof=1))
    assert "fid_spread" not in ddpm  # one sampling seed: no sampling spread to report
    assert combined["guidance_table"][0]["fid"] == pytest.approx(7 / 3)
    assert combined["model"]["schedule"] == "cosine" and combined["model"]["train_seconds"] == 101.0
    assert combined["floor"] == {"fid": 0.7}


def test_combine_refuses_runs_of_different_settings():
    other = _run(1, 2.0)
    other["samples"] = 500
    with pytest.raises(SystemExit, match="samples"):
        _benchmark().combine([_run(0, 1.0), other])
