"""Homework self-checks: `check(question_id, answer)` runs a question's visible tests anywhere
(base dependencies only) and prints points, or expected against got. Release (nbgrader, the
`instructor` extra) is `course.homework.release`; sandboxed batch grading, with hidden tests drawn
and judged in the grader's process, is `course.homework.grade`."""

from course.homework import (
    hw1_data,
    hw2_transfer,
    hw3_regularization,
    hw4_nn,
    hw5_optim,
    hw6_generative,
)  # noqa: F401
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
