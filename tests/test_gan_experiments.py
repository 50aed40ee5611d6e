"""Tests for `course.generative.gan.experiments`: recipes, a short scored run, and the stored
figures file against what its benchmark writes."""

import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from course.data import load_digits
from course.generative.gan import DCGAN, experiments

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", list(experiments.RECIPES))
def test_every_recipe_builds_a_compiled_model(name):
    model = experiments.build(name)
    assert model.d_optimizer is not None and model.g_optimizer is not None
    assert not model.run_eagerly  # graph steps, as in full mode (see tests/test_profile.py)


def test_collapse_pair_differs_only_by_feature_matching():
    collapsing, fixed = experiments.build("collapsing"), experiments.build("feature-matching")
    assert type(collapsing) is type(fixed) is DCGAN
    assert not collapsing.feature_matching and fixed.feature_matching
    for name in ("d_optimizer", "g_optimizer"):
        assert float(getattr(collapsing, name).learning_rate) == float(
            getattr(fixed, name).learning_rate
        )
    assert float(collapsing.g_optimizer.learning_rate) == pytest.approx(
        200 * float(collapsing.d_optimizer.learning_rate)
    )


def test_unknown_recipe_is_refused():
    with pytest.raises(ValueError, match="recipe"):
        experiments.build("biggan")


def test_a_short_conditional_run_is_timed_and_scored():
    data = load_digits(max_samples=200)
    run = experiments.run("conditional", data, epochs=2, n_samples=100, run_eagerly=False)
    assert len(run.epoch_seconds) == 2 and run.seconds_per_epoch > 0
    assert set(run.scores) == {
        "classes_covered",
        "entropy",
        "normalized_entropy",
        "conditional_accuracy",
        "diversity_ratio",
        "fid",
        "kid",
        "kid_se",
        "floor_fid",
        "floor_kid",
        "floor_kid_se",
        "samples",
    }
    assert 0 <= run.scores["conditional_accuracy"] <= 1 and len(run.history["d_loss"]) == 2
    assert run.evaluation.samples == run.evaluation.floor.samples == 100


def test_epoch_timer_records_each_epoch():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    timer = experiments.EpochTimer()
    model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.seconds) == 3 and min(timer.seconds) > 0


def test_missing_figures_name_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="gan_quality.py"):
        experiments.stored_figures(tmp_path / "none.json")


def test_the_benchmark_writes_the_stored_figures_file_at_a_tiny_size(tmp_path):
    """The stored file is what `FIGURES_COMMAND` writes: the script, run at a tiny size, writes
    the same fields for each recipe, and the stored file holds every recipe of the code. A change
    to the recipes, the scores or the script fails here until the figures are measured again."""
    output = tmp_path / "figures.json"
    script = ROOT / experiments.FIGURES_COMMAND.split()[-1]
    tiny = ["--epochs", "2", "--max-samples", "200", "--samples", "100", "--seeds", "0,1"]
    subprocess.run(
        [sys.executable, str(script), "--recipes", "conditional", *tiny, "--output", str(output)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    fresh, stored = experiments.stored_figures(output), experiments.stored_figures()
    assert set(stored["recipes"]) == set(experiments.RECIPES)
    assert fresh.keys() == stored.keys() and fresh["command"] == stored["command"]
    assert fresh["recipes"]["conditional"].keys() == stored["recipes"]["conditional"].keys()
    assert fresh["epochs"] == 2 and fresh["samples_scored"] == 100 and fresh["seeds"] == [0, 1]
    assert len(stored["seeds"]) >= 3  # the stored figures come from at least 3 training seeds
    run = fresh["recipes"]["conditional"]
    assert len(run["per_seed"]["fid"]) == 2 and run["fid"] == sum(run["per_seed"]["fid"]) / 2
    assert 0 <= run["conditional_accuracy"] <= 1 and 1 <= run["classes_covered"] <= 10
    assert run["description"] == experiments.RECIPES["conditional"][0]
