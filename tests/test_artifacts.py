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
    on_disk = sorted(
        p.name
        for p in data.iterdir()
        if p.is_file() and p.suffix in {".keras", ".h5", ".json", ".csv", ".tsv"}
    )
    assert on_disk and artifacts.names() == on_disk


def test_package_data_patterns_cover_every_artifact():
    """pyproject.toml's package-data globs are what put the files into the wheel."""
    import fnmatch
    import tomllib

    pyproject = tomllib.loads(
        (pathlib.Path(artifacts.__file__).parent.parent / "pyproject.toml").read_text()
    )
    patterns = pyproject["tool"]["setuptools"]["package-data"]["course.artifacts"]
    assert all(any(fnmatch.fnmatch(name, p) for p in patterns) for name in artifacts.names())


def test_no_whole_model_file_ships():
    """A .keras file saved by a newer Keras can carry config keys an older one refuses (3.15's
    initializer `input_axes`, 3.14's BatchNormalization `renorm*`); models ship as weights."""
    assert not [name for name in artifacts.names() if name.endswith(".keras")]


def test_reference_classifier_weights_load_and_classify_digits():
    """The shipped weights fit the architecture built in code on this Keras (the floor and Colab
    checks run this test on their versions) and still classify held-out digits."""
    from course.data import load_digits
    from course.generative.metrics import classify

    data = load_digits()
    assert (classify(data.x_test) == data.y_test).mean() > 0.95


def test_digits_backbone_weights_load_and_separate_the_source_digits():
    """The pretrained backbone's features, read by a linear probe, still tell digits 0-4 apart."""
    import keras
    from sklearn.linear_model import LogisticRegression

    from course.data import digits_rgb
    from course.transfer import pretrained_digits_backbone

    source = digits_rgb(classes=range(5))
    pooled = keras.Sequential([pretrained_digits_backbone(), keras.layers.GlobalAveragePooling2D()])
    features = pooled.predict(source.x_train, verbose=0), pooled.predict(source.x_test, verbose=0)
    probe = LogisticRegression(max_iter=2000).fit(features[0], source.y_train)
    assert probe.score(features[1], source.y_test) > 0.9


def test_path_and_read_text():
    assert artifacts.path("fruits.csv").read_text().startswith("weight_g,")
    assert artifacts.read_text("reviews.tsv").splitlines()[0] == "label\tdomain\ttext"


def test_read_figures_reads_the_artifact_or_a_file_and_names_the_command(tmp_path):
    import json

    stored = artifacts.read_figures("gan_full_mode_figures.json", "GAN", "python bench.py")
    assert stored == json.loads(artifacts.read_text("gan_full_mode_figures.json"))
    own = tmp_path / "figures.json"
    own.write_text('{"fid": 1.5}')
    assert artifacts.read_figures("unused.json", "GAN", "python bench.py", own) == {"fid": 1.5}
    with pytest.raises(FileNotFoundError, match="no stored VAE figures .*`python bench.py`"):
        artifacts.read_figures("unused.json", "VAE", "python bench.py", tmp_path / "missing.json")


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
