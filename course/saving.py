"""`course.load_model`: load a `.keras` file that uses course layers/models, in any process.

Keras finds a custom class only if the module defining it was imported (its registration
decorator must have run). `course` imports its submodules lazily, so a fresh process would fail
with "Could not locate class"; this imports every course module that registers Keras objects.
"""
import importlib
import pkgutil
from pathlib import Path

import course

_MARKER = "register_keras_serializable"


def register_all():
    """Import every `course` module whose source registers a Keras class; return their names."""
    root = Path(course.__file__).parent
    imported = []
    for info in pkgutil.walk_packages([str(root)], prefix="course."):
        relative = info.name.split(".")[1:]
        path = root.joinpath(*relative)
        source = path / "__init__.py" if info.ispkg else path.with_suffix(".py")
        if source.exists() and _MARKER in source.read_text(encoding="utf-8"):
            importlib.import_module(info.name)
            imported.append(info.name)
    return imported


def load_model(path, **kwargs):
    """`keras.models.load_model` after registering all course classes."""
    import keras

    register_all()
    return keras.models.load_model(path, **kwargs)
