"""Grading-only cases of hw2_transfer: values the visible check cannot reveal (the grader imports
this file from the sources; it never reaches students, the wheel or a sandbox)."""
from course.homework.engine import Case


def _notes_formula_error(rng):
    """The vote of 3 models at e = 0.01 is wrong when 2 or 3 are wrong: 3 e^2 (1 - e) + e^3."""
    yield Case((), 0.000298, "the majority-vote error of 3 models with e = 0.01", atol=1e-9, rtol=0)


HIDDEN = {"ens.notes_formula_error": _notes_formula_error}
