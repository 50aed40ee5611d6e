"""Homework-grading test helpers: the assignment the grading tests share (hw4_nn) as a student
would hand it in, untouched or solved, and a way to rewrite one graded cell."""

import nbformat

from course.homework.release import SOURCE_DIR, STUDENT_DIR

ASSIGNMENT = "hw4_nn"


def edit_cell(nb, gid, source):
    """`nb` with the source of the cell whose nbgrader grade_id is `gid` replaced."""
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
    cell.source = source
    return nb


def student():
    """The released student copy of the assignment, as a student receives it."""
    return nbformat.read(STUDENT_DIR / f"{ASSIGNMENT}.ipynb", as_version=4)


def solved():
    """The student copy with every answer cell filled in from the source (as a student would)."""
    source = nbformat.read(SOURCE_DIR / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    nb = student()
    for cell in source.cells:
        info = cell.metadata.get("nbgrader", {})
        if info.get("solution"):
            edit_cell(nb, info["grade_id"], cell.source)
    return nb
