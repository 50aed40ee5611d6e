"""`course.artifacts`: the run-time data files ship inside the package and are read through it."""
import ast
import pathlib

import pytest

import course
from course import artifacts

LIBRARY = pathlib.Path(course.__file__).parent
# Repository tasks (notebook discovery, regenerating outputs, the README, homework sources) may
# use the clone's root; nothing that reads data may.
REPOSITORY_TASKS = {"notebooks.py", "cli.py"}


def test_every_data_file_is_a_shipped_artifact():
    data = pathlib.Path(artifacts.__file__).parent
    on_disk = sorted(p.name for p in data.iterdir()
                     if p.is_file() and p.suffix in {".keras", ".json", ".csv", ".tsv"})
    assert on_disk and artifacts.names() == on_disk


def test_package_data_patterns_cover_every_artifact():
    """pyproject.toml's package-data globs are what put the files into the wheel."""
    import fnmatch
    import tomllib

    pyproject = tomllib.loads((pathlib.Path(artifacts.__file__).parent.parent / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["course.artifacts"]
    assert all(any(fnmatch.fnmatch(name, p) for p in patterns) for name in artifacts.names())


def test_path_and_read_text():
    assert artifacts.path("fruits.csv").read_text().startswith("weight_g,")
    assert artifacts.read_text("reviews.tsv").splitlines()[0] == "label\tdomain\ttext"


def test_unknown_artifact_names_the_available_ones():
    with pytest.raises(FileNotFoundError, match="fruits.csv"):
        artifacts.path("no_such_file.json")
    with pytest.raises(TypeError, match="name must be a str"):
        artifacts.path(pathlib.Path("fruits.csv"))


def _imported_names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.Name):
            yield node.id


def test_no_library_module_reads_data_by_a_repository_path():
    offenders = []
    for path in LIBRARY.rglob("*.py"):
        if path.name in REPOSITORY_TASKS or "homework" in path.parts:
            continue
        names = set(_imported_names(ast.parse(path.read_text())))
        if names & {"REPO_ROOT", "DATA_DIR"}:
            offenders.append(str(path.relative_to(LIBRARY)))
    assert not offenders
