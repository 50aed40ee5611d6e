"""The student-path check's per-notebook verdicts (scripts/check_student_path.py).

Its notebooks run under nbval; the one-line-per-notebook report is read back from nbval's JUnit
file. Three tiny notebooks under a real nbval run prove that a clean notebook reads ``ok``, an
exception reads as the exception's line, and a changed checked output is a failure too.
"""
import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_student_path.py"


def load_script():
    spec = importlib.util.spec_from_file_location("check_student_path", SCRIPT)
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
    paths = [notebook(tmp_path, "clean", "print(1 + 1)"),
             notebook(tmp_path, "raises", "raise ValueError('rate must be in [0, 1), got 2')"),
             notebook(tmp_path, "changed", "# NBVAL_CHECK_OUTPUT\nprint(3)", stored="2\n")]
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    junit = tmp_path / "nbval.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-c", str(tmp_path / "pytest.ini"), "-p", "no:randomly",
                    "-p", "no:cacheprovider", "-n", "0", "-q", "--nbval-lax", "--nbval-current-env",
                    f"--junitxml={junit}", *map(str, paths)], cwd=tmp_path, capture_output=True)
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
