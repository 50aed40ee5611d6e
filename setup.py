"""Packages of the `course` wheel; everything else about the project is in pyproject.toml.

The one thing pyproject.toml cannot say: the top-level ``data/`` folder is shipped as the package
``course.artifacts`` (package discovery only finds folders named like their package).
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["course", "course.*"]), "course.artifacts"],
    package_dir={"course.artifacts": "data"},
)
