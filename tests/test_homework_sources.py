"""Every solved source scores full marks and every released student notebook scores zero without
crashing, for all six assignments. The cells run in-process, in order, in one namespace (as a kernel
runs them); after each graded check cell the hidden tests are drawn, probed and judged as the grader
does (with the instructor's grading cases); the sandboxed round trip is proven on one assignment in
test_homework_grading.py."""

import nbformat
import pytest

import course.homework
from course.homework.hidden import load_hidden, run_in_process
from course.homework.job import CHECK
from course.homework.release import RAISES_TAG, SOURCE_DIR, STUDENT_DIR, assignments

pytestmark = pytest.mark.usefixtures("pinned_grading_seed")

# What a stub may raise: its own NotImplementedError, a check's verdict, or a name the stub never
# defined.
STUB_ERRORS = (NotImplementedError, AssertionError, NameError)


def _run_cells(nb, hidden):
    """Run the code cells of `nb` in order in one namespace, each graded cell followed by its hidden
    tests; (cell, exception or None) for each.

    A failing cell does not stop the run, as in the grading kernel (`allow_errors`); SystemExit is
    caught like any error, as IPython does."""
    namespace = {"__name__": "__main__"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "?")
        try:
            exec(compile(cell.source, f"<cell {gid}>", "exec"), namespace)
            if cell.metadata.get("nbgrader", {}).get("grade"):
                qid, name = CHECK.search(cell.source).groups()
                run_in_process(qid, namespace[name], hidden)
            yield cell, None
        except (Exception, SystemExit) as err:
            yield cell, err


def _score(outcomes):
    """Full points for a graded cell when it and its hidden tests passed, else 0."""
    return {
        cell.metadata.nbgrader.grade_id: (cell.metadata.nbgrader.points if err is None else 0)
        for cell, err in outcomes
        if cell.metadata.get("nbgrader", {}).get("grade")
    }


def _max_points(nb):
    return {
        c.metadata.nbgrader.grade_id: c.metadata.nbgrader.points
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }


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
    outcomes = list(_run_cells(nb, load_hidden(SOURCE_DIR, name)))
    failed = {
        cell.metadata.get("nbgrader", {}).get("grade_id"): repr(err)
        for cell, err in outcomes
        if err
    }
    assert not failed
    assert _score(outcomes) == _max_points(nb)
    printed = capsys.readouterr().out
    assert printed.count("visible tests pass") == len(_max_points(nb)), printed


@pytest.mark.parametrize("name", assignments())
def test_student_notebook_runs_and_scores_zero(name):
    nb = nbformat.read(STUDENT_DIR / f"{name}.ipynb", as_version=4)
    outcomes = list(_run_cells(nb, load_hidden(SOURCE_DIR, name)))
    for cell, err in outcomes:
        if err is not None:
            assert isinstance(err, STUB_ERRORS), (cell.source, err)
            assert RAISES_TAG in cell.metadata.get("tags", []), (
                f"untagged cell raised {err!r}:\n{cell.source}"
            )
    points = _score(outcomes)
    assert points == dict.fromkeys(_max_points(nb), 0)
    checks = [err for cell, err in outcomes if cell.metadata.get("nbgrader", {}).get("grade")]
    assert all("0/" in str(err) or isinstance(err, NameError) for err in checks), checks
