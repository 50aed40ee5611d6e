"""The Colab check's per-notebook verdicts (scripts/check_colab.py) and the floor check's pins
(scripts/check_floors.py).

Its notebooks run under nbval; the one-line-per-notebook report is read back from nbval's JUnit
file. Three tiny notebooks under a real nbval run prove that a clean notebook reads ``ok``, an
exception reads as the exception's line, and a changed checked output is a failure too.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def load_script(name="check_colab"):
    if str(SCRIPTS) not in sys.path:  # check_floors imports check_colab, as when run as a script
        sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def notebook(folder, stem, source, stored=None):
    cell = nbformat.v4.new_code_cell(source)
    if stored is not None:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored)]
    path = folder / stem / f"{stem}.ipynb"
    path.parent.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


def test_verdicts_name_the_failing_notebooks_and_their_errors(tmp_path):
    paths = [
        notebook(tmp_path, "clean", "print(1 + 1)"),
        notebook(tmp_path, "raises", "raise ValueError('rate must be in [0, 1), got 2')"),
        notebook(tmp_path, "changed", "# NBVAL_CHECK_OUTPUT\nprint(3)", stored="2\n"),
    ]
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    junit = tmp_path / "nbval.xml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(tmp_path / "pytest.ini"),
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
            "-q",
            "--nbval-lax",
            "--nbval-current-env",
            f"--junitxml={junit}",
            *map(str, paths),
        ],
        cwd=tmp_path,
        capture_output=True,
    )
    verdicts = load_script().notebook_verdicts(junit)
    assert set(verdicts) == {"clean", "raises", "changed"}
    assert verdicts["clean"][1] is None
    assert verdicts["raises"][1] == "ValueError: rate must be in [0, 1), got 2"
    assert verdicts["changed"][1]  # a checked output that differs fails the notebook
    assert all(seconds > 0 for seconds, _ in verdicts.values())


def test_unknown_notebook_names_are_refused_with_the_choices():
    module = load_script()
    try:
        module.session_notebooks(["05_difusion"])
    except SystemExit as exit_:
        assert "05_difusion" in str(exit_) and "05_diffusion" in str(exit_)
    else:
        raise AssertionError("an unknown --notebooks name was accepted")


def test_install_only_needs_the_folder_the_later_check_reuses(capsys):
    module = load_script()
    try:
        module.main(["--install-only"])
    except SystemExit as exit_:
        assert exit_.code == 2 and "--keep" in capsys.readouterr().err
    else:
        raise AssertionError("--install-only without --keep was accepted")


def _executed(cells):
    """A notebook whose code cells carry the given (tags, error name or None) as if executed."""
    nb = nbformat.v4.new_notebook()
    for i, (tags, ename) in enumerate(cells):
        cell = nbformat.v4.new_code_cell(f"cell_{i}()", metadata={"tags": tags})
        if ename:
            cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue="no", traceback=[])]
        nb.cells.append(cell)
    return nb


def test_released_homework_may_raise_only_in_tagged_stub_cells():
    from course.homework.release import RAISES_TAG

    module = load_script()
    fine = _executed(
        [([], None), ([RAISES_TAG], "NotImplementedError"), ([RAISES_TAG], "NameError")]
    )
    assert module.stub_failures(fine) == []
    bad = _executed(
        [([], "ValueError"), ([RAISES_TAG], "TypeError"), ([RAISES_TAG], "AssertionError")]
    )
    assert [error.split(":")[0] for _, error in module.stub_failures(bad)] == [
        "ValueError",
        "TypeError",
    ]


def test_a_missing_python_is_named_with_how_to_install_it():
    module = load_script()
    try:
        module.find_python("9.99")
    except SystemExit as exit_:
        assert "Python 9.99" in str(exit_) and "pyenv install 9.99" in str(exit_)
    else:
        raise AssertionError("a missing Python was not reported")


def test_floors_are_read_from_pyproject_and_every_dependency_needs_one():
    module = load_script("check_floors")
    project = {
        "name": "course",
        "dependencies": ["tensorflow>=2.18", "tensorflow-probability[tf]>=0.25"],
        "optional-dependencies": {
            "test": ["pytest>=8", "course[instructor]"],
            "notebooks": [],
            "instructor": ["nbgrader>=0.9.6"],
        },
    }
    assert module.floor_constraints(project) == {
        "tensorflow": "2.18",
        "tensorflow-probability": "0.25",
        "pytest": "8",
        "nbgrader": "0.9.6",
    }
    project["dependencies"].append("setuptools")
    try:
        module.floor_constraints(project)
    except ValueError as err:
        assert "setuptools" in str(err)
    else:
        raise AssertionError("a dependency without a floor was accepted")
    assert module.floor_python({"requires-python": ">=3.11"}) == "3.11"
    assert module._same_version("2.18.0", "2.18") and not module._same_version("2.18.1", "2.18")
