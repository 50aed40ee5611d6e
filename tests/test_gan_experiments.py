"""Tests for `course.generative.gan.experiments`: recipes, a short scored run, the stored figures."""

import json

import keras
import numpy as np
import pytest

from course.data import load_digits
from course.generative.gan import DCGAN, experiments


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
        "fid",
    }
    assert 0 <= run.scores["conditional_accuracy"] <= 1 and len(run.history["d_loss"]) == 2


def test_epoch_timer_records_each_epoch():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    timer = experiments.EpochTimer()
    model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.seconds) == 3 and min(timer.seconds) > 0


def test_missing_figures_name_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="gan_quality.py"):
        experiments.stored_figures(tmp_path / "none.json")


def test_stored_full_mode_figures_meet_the_targets():
    figures = experiments.stored_figures()
    assert figures["epochs"] >= 50 and set(figures["recipes"]) == set(experiments.RECIPES)
    recipes = figures["recipes"]
    assert recipes["conditional"]["conditional_accuracy"] >= 0.9
    assert recipes["collapsing"]["classes_covered"] < recipes["feature-matching"]["classes_covered"]
    assert (
        recipes["collapsing"]["normalized_entropy"]
        < 0.5
        < recipes["feature-matching"]["normalized_entropy"]
    )
    assert json.loads(json.dumps(figures)) == figures
