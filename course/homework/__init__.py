"""Homework self-checks: `check(question_id, answer)` runs a question's visible tests anywhere
(base dependencies only) and prints points, or expected against got. Grading-time hidden tests,
release and batch grading (nbgrader, the `instructor` extra) live in `course.homework.grading`."""
from course.homework import hw1_data, hw2_transfer, hw3_regularization, hw4_nn, hw5_optim, hw6_generative  # noqa: F401
from course.homework.engine import QUESTIONS, check

ASSIGNMENTS = ("hw1_data", "hw2_transfer", "hw3_regularization", "hw4_nn", "hw5_optim", "hw6_generative")

__all__ = ["ASSIGNMENTS", "QUESTIONS", "check"]
