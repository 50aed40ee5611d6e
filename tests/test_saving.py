"""`course.load_model` reloads models using course classes in a fresh process."""
import subprocess
import sys

import keras
import numpy as np

import course
from course.saving import register_all


def test_register_all_imports_every_registering_module():
    names = register_all()
    assert "course.layers.dropout" in names and "course.augment.pixel" in names
    assert all(name.startswith("course.") for name in names)


def test_fresh_process_reloads_lazily_imported_classes(tmp_path):
    from course.augment import build

    model = keras.Sequential([keras.Input((8, 8, 3)), build("gaussian_noise", seed=0),
                              course.layers.BatchNorm(), keras.layers.Flatten(), keras.layers.Dense(2)])
    x = np.random.default_rng(0).random((4, 8, 8, 3)).astype("float32")
    path = tmp_path / "m.keras"
    model.save(path)
    np.save(tmp_path / "x.npy", x)
    code = (f"import numpy as np, course; m = course.load_model({str(path)!r}); "
            f"np.save({str(tmp_path / 'y.npy')!r}, m.predict(np.load({str(tmp_path / 'x.npy')!r}), verbose=0))")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=300)
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), model.predict(x, verbose=0), atol=1e-6)
