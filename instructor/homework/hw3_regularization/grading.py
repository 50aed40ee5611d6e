"""Grading-only cases of hw3_regularization: values the visible check cannot reveal (the grader
imports this file from the sources; it never reaches students, the wheel or a sandbox)."""
from course.homework.engine import Case


def _classic_dropout_scale(rng):
    """Classic dropout multiplies by the keep probability q = 1 - p at inference (p = 0.1)."""
    yield Case((), 0.9, "the inference scale of classic dropout at p = 0.1", atol=1e-9, rtol=0)


HIDDEN = {"reg.classic_dropout_scale": _classic_dropout_scale}
