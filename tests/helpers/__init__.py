"""Helpers the test files share: plain functions and data, imported as ``from tests.helpers import
...``. Fixtures are in `tests/conftest.py`."""

from tests.helpers.generative import image_batch, train_steps

__all__ = ["image_batch", "train_steps"]
