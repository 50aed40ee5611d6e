"""Homework checks: `check(question_id, answer)` prints "<question_id>: OK" or raises
`AssertionError` with a hint. Checks test properties, compare with Keras/autodiff, or compare
hashed constants, so the reference solutions never appear in plain form in the package."""
from course.homework import day2, session7  # noqa: F401  (registers the questions)
from course.homework.registry import QUESTIONS, check

__all__ = ["QUESTIONS", "check"]
