"""Batch grading: every student's submission through nbgrader autograde, into a CSV gradebook
(one row per student, a column of points per question, a total) and one HTML feedback file each.

A submission that cannot be graded (invalid notebook JSON, no notebook, a kernel nbgrader cannot
interrupt) scores zero with a one-line reason in the CSV and in its feedback; the batch goes on.
"""
import csv
import html
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from tqdm.auto import tqdm

from course.homework.release import SOURCE_DIR


@dataclass
class Result:
    """One student's points per question (grade id -> points) and notes on what went wrong."""

    student: str
    points: dict
    notes: list = field(default_factory=list)

    @property
    def total(self):
        return sum(self.points.values())


def _read_submission(folder, notebook_name):
    """The submitted notebook, or a one-line reason why it cannot be graded."""
    path = Path(folder) / notebook_name
    if not path.is_file():
        found = sorted(p.name for p in Path(folder).glob("*.ipynb"))
        return None, f"no {notebook_name} submitted (found: {', '.join(found) or 'nothing'})"
    try:
        return nbformat.read(path, as_version=4), None
    except Exception as err:  # any unreadable file is the student's problem, not the batch's
        return None, f"{notebook_name} is not a valid notebook file ({type(err).__name__}: {str(err).splitlines()[0][:200]})"


def _scores(config, assignment, notebook, student):
    """Points per graded code cell, from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(config.CourseDirectory.db_url) as gb:
        submission = gb.find_submission_notebook(notebook, assignment, student)
        return {g.name: float(g.score) for g in submission.grades if g.cell_type == "code"}


def _max_points(config, assignment, notebook):
    """The points each graded code cell is worth, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(config.CourseDirectory.db_url) as gb:
        nb = gb.find_notebook(notebook, assignment)
        return {cell.name: float(cell.max_score) for cell in nb.grade_cells if cell.cell_type == "code"}


def grade(assignment, submissions_dir, gradebook, feedback_dir, source_dir=SOURCE_DIR, timeout=60, progress=True):
    """Grade every `submissions_dir/<student>/<assignment>.ipynb`; write the CSV and feedback files.

    `timeout` is nbgrader's per-cell limit in seconds. Returns the list of `Result`s.
    """
    from course.homework.nbgrader_course import make_course

    students = sorted(p.name for p in Path(submissions_dir).iterdir() if p.is_dir())
    if not students:
        raise ValueError(f"submissions_dir {submissions_dir} holds no student folders (one per student id)")
    feedback_dir = Path(feedback_dir)
    feedback_dir.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="course-grade-") as root, warnings.catch_warnings():
        warnings.simplefilter("ignore", Warning)  # nbgrader's SQLAlchemy session warnings, one per student
        config = make_course(root, source_dir, assignment, timeout)
        notebook = next((Path(root) / "source" / assignment).glob("*.ipynb")).stem
        maximum = _max_points(config, assignment, notebook)
        for student in tqdm(students, desc=f"grading {assignment}", unit="submission", disable=not progress):
            results.append(_grade_one(config, root, assignment, notebook, student,
                                      Path(submissions_dir) / student, maximum, feedback_dir))
    _write_csv(gradebook, results, maximum)
    return results


def _grade_one(config, root, assignment, notebook, student, folder, maximum, feedback_dir):
    """Autograde one submission and write its feedback; never raises for a bad submission."""
    from course.homework.nbgrader_course import autograde, feedback

    zero = dict.fromkeys(maximum, 0.0)
    nb, problem = _read_submission(folder, f"{notebook}.ipynb")
    if problem:
        result = Result(student, zero, [problem])
        _write_feedback(feedback_dir / f"{student}.html", result, maximum, None)
        return result
    dest = Path(root) / "submitted" / student / assignment
    dest.mkdir(parents=True)
    nbformat.write(nb, dest / f"{notebook}.ipynb")
    try:
        autograde(config, student)
        feedback(config, student)
    except Exception as err:  # nbgrader gave up on this submission (e.g. an uninterruptible kernel)
        result = Result(student, zero, [f"nbgrader could not grade this submission ({type(err).__name__}: {err})"])
        _write_feedback(feedback_dir / f"{student}.html", result, maximum, None)
        return result
    graded = nbformat.read(Path(root) / "autograded" / student / assignment / f"{notebook}.ipynb", as_version=4)
    released = nbformat.read(Path(root) / "release" / assignment / f"{notebook}.ipynb", as_version=4)
    result = Result(student, {**zero, **_scores(config, assignment, notebook, student)}, _notes(graded, nb, released))
    html_path = Path(root) / "feedback" / student / assignment / f"{notebook}.html"
    _write_feedback(feedback_dir / f"{student}.html", result, maximum, html_path)
    return result


def _notes(graded, submitted, released):
    """One line per graded or answer cell that failed (its last error) and per restored check cell."""
    def sources(nb):
        return {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in nb.cells}

    submitted_sources, released_sources = sources(submitted), sources(released)
    notes = []
    for cell in graded.cells:
        info = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not (info.get("grade") or info.get("solution")):
            continue
        gid = info["grade_id"]
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if not info.get("grade"):  # an answer cell: its error explains the check that fails after it
            if errors:
                notes.append(f"{gid}: your code failed: {_reason(errors[-1])}")
            continue
        if gid not in submitted_sources:
            notes.append(f"{gid}: the check cell was missing from the submission; restored from the source")
        elif submitted_sources[gid] != released_sources.get(gid):
            notes.append(f"{gid}: the check cell was edited in the submission; graded with the source's version")
        if errors:
            notes.append(f"{gid}: 0 points: {_reason(errors[-1])}")
    return notes


def _reason(error):
    """One line for an error output: timeouts and dead kernels in words, else `Name: message`."""
    from course.homework.nbgrader_course import KERNEL_DIED

    if error.ename == "CellTimeoutError":
        return "timed out (per-cell limit)"
    text = error.evalue if error.ename == KERNEL_DIED else " ".join(f"{error.ename}: {error.evalue}".split())
    return text[:300]


def _write_csv(path, results, maximum):
    """One row per student: a column of points per question (grade id), the total and notes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", *maximum, "total", "max_total", "notes"])
        for r in results:
            writer.writerow([r.student, *(f"{r.points[q]:g}" for q in maximum), f"{r.total:g}",
                             f"{sum(maximum.values()):g}", " | ".join(n.splitlines()[0] for n in r.notes)])


def _write_feedback(path, result, maximum, nbgrader_html):
    """The student's feedback: a summary table and notes, then nbgrader's annotated notebook."""
    rows = "".join(f"<tr><td>{html.escape(q)}</td><td>{result.points[q]:g} / {m:g}</td></tr>"
                   for q, m in maximum.items())
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes) or "<li>no problems</li>"
    summary = (f"<section id='course-summary'><h2>{html.escape(result.student)}: {result.total:g} / "
               f"{sum(maximum.values()):g} points</h2><table>{rows}</table><ul>{notes}</ul></section>")
    body = Path(nbgrader_html).read_text() if nbgrader_html else "<html><body></body></html>"
    marker = body.find("<body")
    at = body.find(">", marker) + 1 if marker >= 0 else 0
    Path(path).write_text(body[:at] + summary + body[at:])
