"""The run profile (`course.profiles`): one home for every size fast mode shrinks.

FAST and FULL name the same sizes and fast never exceeds full; an explicit argument (0 included)
wins over the profile; a notebook's core path runs the same code and the same checks in both
modes; and nothing outside the profile module picks a size by mode.
"""

import ast
import dataclasses
import json
import re
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from course import profiles
from course.profiles import FAST, FULL, Profile, profile

ROOT = Path(__file__).resolve().parent.parent
GROUPS = [f.name for f in dataclasses.fields(Profile) if f.name != "name"]


def leaves(group):
    """(field name, FULL value, FAST value) for every field of one group."""
    full, fast = getattr(FULL, group), getattr(FAST, group)
    return [
        (f.name, getattr(full, f.name), getattr(fast, f.name)) for f in dataclasses.fields(full)
    ]


@pytest.fixture(params=["full", "fast"])
def mode(request, monkeypatch):
    """Run a test once per profile, switched through the environment as a user would."""
    monkeypatch.setenv(profiles.FAST_ENV, "1" if request.param == "fast" else "0")
    assert profile().name == request.param
    return request.param


# -- the profile itself ----------------------------------------------------------------------
def test_fast_and_full_name_the_same_groups_and_fields():
    assert (FULL.name, FAST.name) == ("full", "fast")
    assert len(GROUPS) >= 20
    for group in GROUPS:
        full, fast = getattr(FULL, group), getattr(FAST, group)
        assert type(full) is type(fast) and dataclasses.is_dataclass(full), group
        assert [f.name for f in dataclasses.fields(full)] == [
            f.name for f in dataclasses.fields(fast)
        ]


def _at_most(fast, full):
    """Fast never asks for more: None is "no cap"; a sequence is a subset of full's."""
    if full is None:
        return True
    if fast is None:
        return False
    if isinstance(full, tuple):
        return set(fast) <= set(full) and len(fast) < len(full)
    return fast <= full


def test_every_fast_size_is_at_most_its_full_size_and_differs():
    """A field fast mode does not change has no place in the profile (FAST lists every field)."""
    for group in GROUPS:
        for name, full, fast in leaves(group):
            assert _at_most(fast, full), f"{group}.{name}: fast {fast!r} > full {full!r}"
            assert fast != full, f"{group}.{name} is the same in both modes: not a profile size"


def test_the_comparison_can_fail():
    assert not _at_most(5, 3) and not _at_most(None, 10) and not _at_most((2, 9), (2, 8))
    assert _at_most(600, None) and _at_most((2, 8), (2, 4, 8, 16))


def test_every_group_and_field_says_what_it_sizes():
    source = (ROOT / "course" / "profiles.py").read_text()
    lines = source.splitlines()
    groups = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef) and node.name != "Profile"
    ]
    assert len(groups) == len(GROUPS)
    for node in groups:
        assert ast.get_docstring(node), f"{node.name} has no docstring"
        for item in node.body:
            if isinstance(item, ast.AnnAssign):
                commented = "#" in lines[item.lineno - 1] or lines[
                    item.lineno - 2
                ].strip().startswith("#")
                assert commented, (
                    f"{node.name}.{item.target.id} has no comment saying what it sizes"
                )


def test_profile_follows_the_environment(monkeypatch):
    for value in ("1", "true", "YES", " on "):
        monkeypatch.setenv(profiles.FAST_ENV, value)
        assert profile() is FAST
    for value in ("0", "", "no", "off"):
        monkeypatch.setenv(profiles.FAST_ENV, value)
        assert profile() is FULL
    monkeypatch.delenv(profiles.FAST_ENV)
    assert profile() is FULL


def test_profiles_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FAST.xor.steps = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        FULL.xor = None


# -- an explicit argument always wins ---------------------------------------------------------
def test_xor_steps_default_from_the_profile_and_an_explicit_value_wins(mode, monkeypatch):
    from course.experiments import xor

    seen = []
    monkeypatch.setattr(
        xor, "train_full_batch", lambda model, x, y, loss, steps, lr: seen.append(steps)
    )
    model = xor.relu_network(seed=0)
    xor.train(model)
    xor.train(model, steps=7)
    assert seen == [profile().xor.steps, 7]


def _xor_zero():
    from course.experiments import xor

    xor.train(xor.relu_network(seed=0), steps=0)


def _ovr_zero():
    from course.experiments import ovr

    ovr.train_head(np.zeros((4, 3), "float32"), np.eye(6)[[0, 1, 2, 3]], steps=0)


def _residual_zero():
    from course.experiments import residual

    x, y = np.zeros((4, 3), "float32"), np.arange(4) % 2
    residual.compare_skips(x, y, x, y, steps=0)


def _small_batch_norm_zero():
    from course.experiments import small_batch_norm

    x, y = np.zeros((8, 3), "float32"), np.arange(8) % 2
    small_batch_norm.train_with_norm("batch", x, y, x, y, batch_size=2, steps=0)


@pytest.mark.parametrize(
    "call",
    [_xor_zero, _ovr_zero, _residual_zero, _small_batch_norm_zero],
    ids=[
        "xor.train",
        "ovr.train_head",
        "residual.compare_skips",
        "small_batch_norm.train_with_norm",
    ],
)
def test_an_explicit_zero_step_count_is_refused_naming_steps(call, mode):
    """`steps or default` used to turn 0 into the default silently."""
    with pytest.raises(ValueError, match=r"^steps must be in \[1, "):
        call()


def test_explicit_zero_epochs_or_samples_are_refused_before_any_training(mode, monkeypatch):
    from course.data import load_digits, load_keras_dataset
    from course.generative import pca_comparison
    from course.generative.gan import experiments
    from course.semisupervised import pseudo_labelling

    digits = load_digits(max_samples=200)
    fit_calls = []
    monkeypatch.setattr(keras.Model, "fit", lambda *a, **k: fit_calls.append(k))
    with pytest.raises(ValueError, match="^epochs must be"):
        pca_comparison.autoencoder_reconstruction_mse(digits, 2, epochs=0)
    with pytest.raises(ValueError, match="^epochs must be"):
        pseudo_labelling(digits, n_labelled=20, epochs=0)
    with pytest.raises(ValueError, match="^n_samples must be"):
        experiments.run("dcgan", digits, epochs=1, n_samples=0)
    with pytest.raises(ValueError, match="^n must be"):
        experiments.score(experiments.build("dcgan"), n=0)
    with pytest.raises(ValueError, match="^max_samples must be"):  # before any download
        load_keras_dataset("mnist", cache_dir="/nonexistent", max_samples=0, timeout=0.01)
    assert fit_calls == []


def test_data_sizes_default_from_the_profile_and_explicit_values_win(mode, monkeypatch):
    from course.data import load_digits, load_shapes, shapes

    assert sum(load_digits().sizes) == (profile().digits.max_samples or 1797)
    assert sum(load_digits(max_samples=300).sizes) == 300
    made = []
    real = shapes.make_shapes
    monkeypatch.setattr(shapes, "make_shapes", lambda n, **k: made.append(n) or real(120, **k))
    load_shapes()
    load_shapes(n=90)
    assert made == [profile().shapes.n, 90]


# -- fast mode changes sizes, not code paths --------------------------------------------------
def _notebook_cell(name, marker):
    """The source of the code cell of notebooks/`name` that contains `marker`."""
    nb = json.loads((ROOT / "notebooks" / name).read_text())
    return next(
        "".join(c["source"])
        for c in nb["cells"]
        if c["cell_type"] == "code" and marker in "".join(c["source"])
    )


def test_the_trainer_runs_the_same_checks_in_both_modes(monkeypatch):
    """Notebook session07/10's Trainer cell (course.train.Trainer against model.fit), in each mode.

    Every data check (`health.guard_data`) and the traced weight check (`health.all_finite`) are
    counted; the data are fixed (not profile-sized), so both runs must match call for call and
    weight for weight. A check that is on in one mode only, or a loop that is traced in one mode
    only, fails here.
    """
    from course import optim, train
    from course.data import load_digits
    from course.train import health

    assert "train.Trainer(by_trainer" in _notebook_cell(
        "session07/10_optimization.ipynb", "train.Trainer("
    )
    calls = {}
    for name in ("guard_data", "all_finite"):
        real = getattr(health, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] = calls.get(_name, 0) + 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(health, name, counted)
    digits = load_digits(max_samples=600)
    x5, y5 = digits.x_train[:160], digits.y_train[:160]
    runs = {}
    for flag in ("1", "0"):
        monkeypatch.setenv(profiles.FAST_ENV, flag)
        calls.clear()
        keras.utils.set_random_seed(0)
        model = keras.Sequential(  # the notebook's course.models.mlp(hidden=(32,)): the same layers
            [
                keras.Input(digits.input_shape),
                keras.layers.Flatten(),
                keras.layers.Dense(32, activation="relu"),
                keras.layers.Dense(10),
            ]
        )
        trainer = train.Trainer(
            model,
            optimizer=optim.Adam(0.01),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
            verbose=0,
            mixed_precision=False,
            jit_compile=False,
        )
        history = trainer.fit((x5, y5), epochs=1).history
        trainer.evaluate((x5, y5))
        runs[profile().name] = (
            dict(calls),
            trainer.check_data,
            dict(trainer.trace_count),
            history,
            model.get_weights(),
        )
    (
        (fast_calls, fast_check, fast_traces, fast_hist, fast_w),
        (full_calls, full_check, full_traces, full_hist, full_w),
    ) = (
        runs["fast"],
        runs["full"],
    )
    assert fast_calls == full_calls and fast_calls.get("all_finite", 0) >= 1
    assert fast_check == full_check and fast_traces == full_traces
    assert fast_hist == full_hist
    for a, b in zip(fast_w, full_w):
        np.testing.assert_array_equal(a, b)


def test_gan_experiments_run_as_a_graph_in_both_modes(monkeypatch):
    """Notebook session07/03's `experiments.run`: the GAN step runs inside `tf.function` (what
    students run) in fast mode as in full mode; before, fast mode ran it eagerly."""
    from course.data import load_digits
    from course.generative.gan import DCGAN, experiments

    assert 'experiments.run("dcgan", digits, EPOCHS' in _notebook_cell(
        "session07/03_gans.ipynb", "experiments.run("
    )
    eager = []
    real_step = DCGAN.train_step

    def recorded(self, data):
        eager.append(tf.executing_eagerly())
        return real_step(self, data)

    monkeypatch.setattr(DCGAN, "train_step", recorded)
    digits = load_digits(max_samples=200)
    seen = {}
    for flag in ("1", "0"):
        monkeypatch.setenv(profiles.FAST_ENV, flag)
        eager.clear()
        run = experiments.run("dcgan", digits, epochs=1, batch_size=64, n_samples=20)
        seen[profile().name] = (run.model.run_eagerly, set(eager))
    assert seen["fast"] == seen["full"] == (False, {False})


# -- nothing outside the profile module picks a size by mode ----------------------------------
FORBIDDEN = [
    (
        re.compile(r"\bconfig\.(pick|epochs|steps|samples|is_fast)\b"),
        "a fast-mode helper of course.config",
    ),
    (re.compile(r"\bis_fast\b"), "is_fast"),
    (
        re.compile(r"from course\.config import[^\n]*\b(pick|epochs|steps|samples)\b"),
        "a fast-mode helper",
    ),
    (re.compile(r"\bpick\(\s*(None|True|False|[-\d(\[])"), "a literal pick(full, fast) pair"),
]
# In the library a branch on the mode is a code path that differs between modes; only the CLI
# (which mode to run notebooks in, what `course doctor` prints) may read the profile's name.
LIBRARY_FORBIDDEN = [(re.compile(r"profile\(\)\.name\b"), "a branch on the mode in library code")]
SCANNED = ("course", "notebooks", "instructor", "benchmarks", "scripts")
EXEMPT = {"course/profiles.py"}
NAME_ALLOWED = {"course/cli.py", "course/config.py"}  # config.setup prints the mode


def code_of(path):
    """Source lines of a .py file, or of a notebook's code cells (not its stored outputs)."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text())
        return "\n".join(
            "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"
        ).splitlines()
    return path.read_text().splitlines()


def offenders(relative, lines):
    """One "path:line: why: code" entry per offending line of file `relative`."""
    patterns = list(FORBIDDEN)
    if relative.startswith("course/") and relative not in NAME_ALLOWED:
        patterns += LIBRARY_FORBIDDEN
    found = []
    for number, line in enumerate(lines, start=1):
        why = next((why for pattern, why in patterns if pattern.search(line)), None)
        if why:
            found.append(f"{relative}:{number}: {why}: {line.strip()}")
    return found


def test_the_scan_finds_what_it_forbids():
    found = offenders(
        "course/x.py",
        [
            "steps = steps or config.pick(600, 300)",
            "if config.is_fast():",
            "n = pick(16, 4)",
            "EPOCHS = config.epochs(30, fast=4)",
            'if profile().name == "fast":',
            "self.pick(options)",
            "profile().xor.steps",
        ],
    )
    assert [line.split(":")[1] for line in found] == ["1", "2", "3", "4", "5"]


def test_no_size_is_picked_by_mode_outside_the_profile():
    files = [
        p
        for top in SCANNED
        for p in sorted((ROOT / top).rglob("*"))
        if p.suffix in (".py", ".ipynb") and ".ipynb_checkpoints" not in p.parts
    ]
    assert any(p.suffix == ".ipynb" for p in files) and len(files) > 100
    found = [
        line
        for p in files
        if p.relative_to(ROOT).as_posix() not in EXEMPT
        for line in offenders(p.relative_to(ROOT).as_posix(), code_of(p))
    ]
    assert not found, "read sizes from course.profiles instead:\n" + "\n".join(found)
