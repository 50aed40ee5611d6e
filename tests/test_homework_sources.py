"""Every solved source scores full marks and every released student notebook scores zero without
crashing, for all six assignments. The cells run in-process, in order, in one namespace (as a kernel
runs them) and the graded cells call the same hidden tests that nbgrader runs; nbgrader's own round
trip (kernels, restored cells, gradebook) is proven on one assignment in test_homework_grading.py."""
import secrets

import nbformat
import pytest

import course.homework
from course.homework.release import RAISES_TAG, SOURCE_DIR, STUDENT_DIR, assignments

# What a stub may raise: its own NotImplementedError, a check's verdict, or a name the stub never defined.
STUB_ERRORS = (NotImplementedError, AssertionError, NameError)


@pytest.fixture(autouse=True)
def _pinned_grading_seed(monkeypatch):
    """The hidden run draws its seed from `secrets`; a fixed one keeps these tests deterministic."""
    monkeypatch.setattr(secrets, "randbits", lambda bits: 20240515)


def _run_cells(nb):
    """Run the code cells of `nb` in order in one namespace; (cell, exception or None) for each.

    A failing cell does not stop the run, as under nbgrader (`allow_errors`); SystemExit is caught
    like any error, as IPython does."""
    namespace = {"__name__": "__main__"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "?")
        try:
            exec(compile(cell.source, f"<cell {gid}>", "exec"), namespace)
            yield cell, None
        except (Exception, SystemExit) as err:
            yield cell, err


def _score(outcomes):
    """nbgrader's rule for autograded code cells: full points when the cell ran without error, else 0."""
    return {cell.metadata.nbgrader.grade_id: (cell.metadata.nbgrader.points if err is None else 0)
            for cell, err in outcomes if cell.metadata.get("nbgrader", {}).get("grade")}


def _max_points(nb):
    return {c.metadata.nbgrader.grade_id: c.metadata.nbgrader.points
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def _source(name):
    return nbformat.read(SOURCE_DIR / name / f"{name}.ipynb", as_version=4)


def test_six_assignments_43_questions_79_points():
    sources = {name: _max_points(_source(name)) for name in assignments()}
    assert sorted(sources) == sorted(course.homework.ASSIGNMENTS)
    assert sum(map(len, sources.values())) == len(course.homework.QUESTIONS) == 43
    assert sum(sum(points.values()) for points in sources.values()) == 79


@pytest.mark.parametrize("name", assignments())
def test_solved_source_scores_full_marks(name, capsys):
    nb = _source(name)
    outcomes = list(_run_cells(nb))
    failed = {cell.metadata.get("nbgrader", {}).get("grade_id"): repr(err) for cell, err in outcomes if err}
    assert not failed
    assert _score(outcomes) == _max_points(nb)
    printed = capsys.readouterr().out
    assert printed.count("hidden tests pass") == len(_max_points(nb)), printed


@pytest.mark.parametrize("name", assignments())
def test_student_notebook_runs_and_scores_zero(name):
    nb = nbformat.read(STUDENT_DIR / f"{name}.ipynb", as_version=4)
    outcomes = list(_run_cells(nb))
    for cell, err in outcomes:
        if err is not None:
            assert isinstance(err, STUB_ERRORS), (cell.source, err)
            assert RAISES_TAG in cell.metadata.get("tags", []), f"untagged cell raised {err!r}:\n{cell.source}"
    points = _score(outcomes)
    assert points == dict.fromkeys(_max_points(nb), 0)
    checks = [err for cell, err in outcomes if cell.metadata.get("nbgrader", {}).get("grade")]
    assert all("0/" in str(err) or isinstance(err, NameError) for err in checks), checks
