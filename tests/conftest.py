"""Test-suite hooks: every test starts from the same global random state.

pytest-xdist (`--dist loadfile`) hands test files to the two workers in whatever order they free
up, so without this a test that draws unseeded weights or noise would see a different state from
run to run, depending on which files ran before it in its worker.
"""

import pytest


@pytest.fixture(autouse=True)
def _same_global_seed_for_every_test():
    import keras

    keras.utils.set_random_seed(0)
