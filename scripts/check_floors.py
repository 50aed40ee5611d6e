"""Check the floors: the lowest versions `pyproject.toml` declares, installed together and tested.

    python scripts/check_floors.py [--keep DIR] [--install-only] [--all-tests]

1. Finds the lowest supported Python (``requires-python``) under ``~/.pyenv/versions/`` and makes
   a fresh virtual environment with it.
2. Pins every direct dependency at its declared floor (``name>=X`` becomes ``name==X``, for the
   base dependencies and the ``test``, ``notebooks`` and ``instructor`` extras) and installs the
   checkout with its ``test`` extra under those constraints; pip picks the rest. Any floor pip
   cannot honour fails the check.
3. Runs `FLOOR_TESTS` there (``--all-tests``: the whole suite): the unit tests of everything that
   touches a version-dependent API, and `tests/test_artifacts.py`, which loads every shipped model.
Exits 1 if anything fails. Reuses pip's cache; downloads nothing but packages.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from check_colab import (
    REPO_ROOT,
    find_python,
    install_checkout,
    installed_versions,
    make_venv,
    run,
    venv_env,
)

# The unit tests the floor check runs (the whole suite takes as long again as CI's budget allows):
# each file exercises a Keras, TensorFlow, NumPy or SciPy API whose behaviour changed between the
# floor and the newest release, or loads a shipped file.
FLOOR_TESTS = (
    "tests/test_artifacts.py",  # every shipped model loads into its architecture
    "tests/test_keras_compat.py",  # every private Keras name we touch exists
    # Keras' own layer tests against ours (where the wheel has them)
    "tests/test_keras_own_tests.py",
    "tests/test_layers_dropout.py",  # Layer._build_at_init, seed generators
    "tests/test_layers_norm.py",  # BatchNormalization parity (renorm where Keras has it)
    "tests/test_layers_saving.py",  # .keras round trips
    "tests/test_saving.py",
    "tests/test_optim_parity.py",  # optimizer base-class hooks
    "tests/test_train.py",  # the tf.function loop against model.fit
    "tests/test_train_distributed.py",  # MirroredStrategy's loss on an uneven last batch
    "tests/test_augment_layers.py",  # RandAugment(seed=...) and preprocessing-layer internals
    "tests/test_transfer.py",  # the pretrained backbone, freezing rules
    "tests/test_metrics.py",  # the reference classifier, Frechet distance (scipy.linalg)
    "tests/test_ensemble.py",  # binomial tails (scipy.special.betainc)
    "tests/test_augment_tabular.py",  # imbalanced-learn, scikit-learn
    "tests/test_homework_grading.py",  # nbgrader at its floor
    "tests/test_cli.py",  # notebooks in a kernel (ipykernel, matplotlib's inline backend)
    "tests/test_properties.py",  # every argument check, on the floor's Keras layers
)
FLOOR_PATTERN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*>=\s*([^,;\s]+)$")


def declared():
    """pyproject.toml's ``[project]`` table."""
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]


def floor_constraints(project, extras=("test", "notebooks", "instructor")):
    """``{name: floor}`` of every direct dependency with a ``>=`` floor (base and `extras`);
    references to the project's own extras are skipped. A dependency with no floor fails: a
    lowest-version resolver would pick its first release."""
    floors = {}
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    for requirement in requirements:
        if requirement.startswith(project["name"] + "["):
            continue
        match = FLOOR_PATTERN.match(requirement.strip())
        if not match:
            raise ValueError(f"pyproject.toml: {requirement!r} has no plain '>=' floor")
        floors[match.group(1).lower()] = match.group(3)
    return floors


def floor_python(project):
    """The lowest supported Python, ``"3.11"``, from ``requires-python = ">=3.11"``."""
    match = re.fullmatch(r">=\s*(\d+\.\d+)", project["requires-python"].strip())
    if not match:
        raise ValueError(
            f"requires-python {project['requires-python']!r} is not of the form '>=X.Y'"
        )
    return match.group(1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="work in this folder and keep it (a rerun reuses its venv)")
    parser.add_argument(
        "--install-only", action="store_true", help="install, then stop (needs --keep)"
    )
    parser.add_argument(
        "--all-tests", action="store_true", help="run the whole suite, not FLOOR_TESTS"
    )
    args = parser.parse_args(argv)
    if args.install_only and not args.keep:
        parser.error("--install-only needs --keep DIR (the folder the later check reuses)")
    work = Path(args.keep or tempfile.mkdtemp(prefix="floors-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    project = declared()
    floors = floor_constraints(project)
    venv = work / "venv"
    if not (venv / "bin" / "python").exists():
        make_venv(find_python(floor_python(project)), venv)
        install_checkout(venv, work / "floors.txt", floors)
    versions = installed_versions(venv)
    wrong = {
        name: (floor, versions.get(name))
        for name, floor in floors.items()
        if versions.get(name) is None or not _same_version(versions[name], floor)
    }
    python = run(
        [venv / "bin" / "python", "-c", "import platform; print(platform.python_version())"]
    ).strip()
    print(
        f"floor venv: Python {python}; "
        + ", ".join(f"{n} {versions.get(n)}" for n in floors)
        + f" ({time.perf_counter() - start:.0f} s)",
        flush=True,
    )
    if wrong:
        print(
            "FAIL  not at their floor: "
            + ", ".join(f"{n} {got} (floor {want})" for n, (want, got) in wrong.items())
        )
        return 1
    if args.install_only:
        return 0
    tests = [] if args.all_tests else list(FLOOR_TESTS)
    done = subprocess.run(
        [
            venv / "bin" / "python",
            "-m",
            "pytest",
            "-q",
            "--no-header",
            "-p",
            "no:cacheprovider",
            *tests,
        ],
        cwd=REPO_ROOT,
        env=venv_env(venv),
    )
    print(
        f"floor check: {'ok' if done.returncode == 0 else 'FAILED'} "
        f"({time.perf_counter() - start:.0f} s)"
    )
    return done.returncode


def _same_version(installed, floor):
    """``2.18.0`` is the floor ``2.18``: compare release numbers padded with zeros."""

    def release(text):
        parts = [int(p) for p in re.match(r"^\d+(\.\d+)*", text).group(0).split(".")]
        return parts + [0] * (4 - len(parts))

    return release(installed) == release(floor)


if __name__ == "__main__":
    sys.exit(main())
