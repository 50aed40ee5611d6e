"""Datasets that work offline (embedded) and the `Split` container every loader returns."""
from course.data.digits import load_digits
from course.data.split import Split

__all__ = ["Split", "load_digits"]
