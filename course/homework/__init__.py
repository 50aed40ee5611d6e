"""Homework self-checks: `check(question_id, answer)` runs a question's visible tests anywhere
(base dependencies only) and prints points, or expected against got. Release (nbgrader, the
`instructor` extra) is `course.homework.release`; sandboxed batch grading, with hidden tests drawn
and judged in the grader's process, is `course.homework.grade`."""

# Importing each assignment module registers its questions in QUESTIONS; the names stay unused.
from course.homework import (  # noqa: F401
    hw1_data,
    hw2_transfer,
    hw3_regularization,
    hw4_nn,
    hw5_optim,
    hw6_generative,
)
from course.homework.engine import QUESTIONS
from course.homework.selfcheck import check

ASSIGNMENTS = (
    "hw1_data",
    "hw2_transfer",
    "hw3_regularization",
    "hw4_nn",
    "hw5_optim",
    "hw6_generative",
)

__all__ = ["ASSIGNMENTS", "QUESTIONS", "check"]
