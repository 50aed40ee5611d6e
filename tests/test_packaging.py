"""What the package declares: floors Colab satisfies, no Jupyter front end in the base, and an
install cell that installs `course` alone. scripts/check_colab.py and scripts/check_floors.py
install these declarations; this file checks the declarations themselves, offline."""

import importlib.util
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from course import notebooks

REPO_ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
# What a Jupyter front end brings (Colab's own kernel stack): never a base dependency.
FRONT_END = {
    "ipykernel",
    "ipython",
    "jupyter-client",
    "jupyter-core",
    "jupyterlab",
    "notebook",
    "jupyter",
}


def _check_colab():
    spec = importlib.util.spec_from_file_location(
        "check_colab", REPO_ROOT / "scripts" / "check_colab.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECK_COLAB = _check_colab()


def _name(requirement):
    return CHECK_COLAB.normalize(requirement.name)


def _colab_pins():
    """Colab's pins as `Version`s, and Colab's Python ("3.13") as a `Version`."""
    pins, python, _ = CHECK_COLAB.colab_pins()
    return {name: Version(version) for name, version in pins.items()}, Version(python)


def _requirements(extras=()):
    found = [Requirement(r) for r in PROJECT["dependencies"]]
    for extra in extras:
        found += [
            Requirement(r)
            for r in PROJECT["optional-dependencies"][extra]
            if not r.startswith("course[")
        ]
    return found


def test_base_dependencies_bring_no_jupyter_front_end():
    assert not {_name(r) for r in _requirements()} & FRONT_END


@pytest.mark.parametrize("requirement", _requirements(), ids=str)
def test_every_base_floor_is_at_or_below_what_colab_ships(requirement):
    """A floor above Colab's version would make pip upgrade what Colab ships (or fail)."""
    pins, _ = _colab_pins()
    assert _name(requirement) in pins, (
        f"{requirement.name} is not on Colab: the install would add it"
    )
    assert pins[_name(requirement)] in requirement.specifier, (
        requirement,
        pins[_name(requirement)],
    )


def test_python_floor_admits_colabs_python():
    from packaging.specifiers import SpecifierSet

    _, python = _colab_pins()
    assert python in SpecifierSet(PROJECT["requires-python"])


@pytest.mark.parametrize("requirement", _requirements(("test", "notebooks", "instructor")), ids=str)
def test_every_dependency_has_a_plain_floor(requirement):
    """scripts/check_floors.py installs each floor; a dependency without one would resolve to its
    first release under a lowest-version resolver (setuptools 0.7.2 once did)."""
    floors = [s for s in requirement.specifier if s.operator == ">="]
    assert len(floors) == 1, f"{requirement} needs one '>=' floor"


def test_colab_install_cell_installs_course_alone():
    """No extras: Colab brings its own Jupyter; JupyterLab would add ~45 packages and move its
    kernel stack."""
    assert f'"course @ git+{notebooks.repository_url()}"' in notebooks.setup_cell_source()


def test_refreshing_colab_pins_is_one_command_and_round_trips(tmp_path):
    """The refresh keeps every name==version line of the freeze (URL installs cannot be pinned)
    and records Colab's Python and the freeze's date, which the Colab check reads back."""
    spec = importlib.util.spec_from_file_location(
        "refresh", REPO_ROOT / "scripts" / "refresh_colab_pins.py"
    )
    refresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(refresh)
    (tmp_path / "freeze.txt").write_text(
        "# a comment\nabsl-py==1.4.0\nen_core @ https://example.org/x.whl\nJupyter_Client==7.4.9\n"
    )
    (tmp_path / "os.txt").write_text("Ubuntu 22.04.5 LTS\nPython 3.13.15\n")
    output = tmp_path / "constraints.txt"
    assert (
        refresh.main(
            [
                "--freeze",
                str(tmp_path / "freeze.txt"),
                "--os-info",
                str(tmp_path / "os.txt"),
                "--date",
                "2026-08-19",
                "--output",
                str(output),
            ]
        )
        == 0
    )
    assert CHECK_COLAB.colab_pins(output) == (
        {"absl-py": "1.4.0", "jupyter-client": "7.4.9"},
        "3.13",
        "2026-08-19",
    )
