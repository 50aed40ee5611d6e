"""Loading `.keras` files that use course classes: `course.load_model`, or plain Keras after `import
course`.

Keras finds a custom class through its registry, which the class's
``@keras.saving.register_keras_serializable(package="course")`` decorator fills when its module
is imported; `course` imports its submodules lazily, so a fresh process would fail with "Could
not locate class", or -- worse -- rebuild a Keras class of the same name (a course `L1L2`
penalty would come back as `keras.regularizers.L1L2`, because Keras falls back to the bare class
name when the registered name ``"course>L1L2"`` is unknown). Two ways load them correctly:

- ``course.load_model(path)`` imports every course module that registers a Keras class
  (`register_all`), then calls `keras.models.load_model`.
- After ``import course``, plain ``keras.saving.load_model(path)`` works as well. `import course`
  does not import Keras (it must stay cheap); it installs a one-shot import hook, and right after
  Keras is imported (or at once, if it already was) every registered course name is entered in
  Keras' public registry, `keras.saving.get_custom_objects()`, as a stand-in whose `from_config`
  imports the defining module and builds the real class. Only the modules a file uses are
  imported, and the registered name always wins over a Keras class of the same bare name.

The registered names are read from the course sources (`registered_names`), so nothing is
imported to list them. A process that never imports `course` cannot know course classes: there
Keras fails, or substitutes its own class of the same name.
"""

import importlib
import importlib.util
import os
import re
import sys
import warnings
from pathlib import Path

_MARKER = "register_keras_serializable"
_DECORATED = re.compile(
    r'^@keras\.saving\.register_keras_serializable\(package="course"\)\s*\nclass (\w+)\b', re.M
)


def _sources():
    """(module name, source text) of every course module whose source mentions the decorator."""
    from pathlib import Path

    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if _MARKER in text:
            parts = path.relative_to(root.parent).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), text


def registered_names():
    """{"course>Name": defining module} for every class the course sources register with Keras."""
    return {
        f"course>{name}": module for module, text in _sources() for name in _DECORATED.findall(text)
    }


def register_all():
    """Import every `course` module whose source registers a Keras class; return their names."""
    imported = []
    for module, _ in _sources():
        importlib.import_module(module)
        imported.append(module)
    return imported


def load_model(path, **kwargs):
    """`keras.models.load_model` after registering all course classes.

    A `path` that is missing, a folder, or a file that is not a ``.keras`` archive (empty, text)
    is refused by name here: Keras reports the first and last as "File not found", and tries to
    read a folder as an Orbax checkpoint (an ImportError without that package).
    """
    import zipfile

    import keras

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"path must be a file path (str or pathlib.Path), got {type(path).__name__}"
        )
    if not Path(path).exists():
        raise ValueError(f"path {str(path)!r}: no such file")
    if Path(path).is_dir():
        raise ValueError(
            f"path {str(path)!r} is a folder; load_model reads a .keras file (saved by "
            "model.save('name.keras')) or a legacy .h5 file"
        )
    if str(path).endswith(".keras"):
        if not zipfile.is_zipfile(path):
            raise ValueError(
                f"path {str(path)!r} is not a .keras file (a zip archive saved by model.save); "
                f"it holds {Path(path).stat().st_size} bytes of something else"
            )
    register_all()
    return keras.models.load_model(path, **kwargs)


class StandIn:
    """Holds a course class's place in Keras' registry until its module is imported."""

    module = class_name = None

    @classmethod
    def real(cls):
        """The course class itself (importing its module registers it with Keras for good)."""
        return getattr(importlib.import_module(cls.module), cls.class_name)

    @classmethod
    def from_config(cls, config):
        return cls.real().from_config(config)


def install_stand_ins():
    """Enter a `StandIn` in Keras' registry for every course name not registered yet."""
    import keras

    registry = keras.saving.get_custom_objects()
    for name, module in registered_names().items():
        class_name = name.split(">", 1)[1]
        registry.setdefault(
            name, type(class_name, (StandIn,), {"module": module, "class_name": class_name})
        )


def _install_or_warn():
    try:
        install_stand_ins()
    except Exception as error:  # never break `import keras`; say how to load instead
        warnings.warn(
            f"course could not register its Keras classes ({error!r}); load saved "
            f"models with course.load_model(path)",
            stacklevel=2,
        )


class _ThenInstall:
    """Loader wrapper: executes the real `keras` module, then installs the stand-ins."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        module.__loader__ = module.__spec__.loader = self.loader
        _install_or_warn()


class _AfterKerasImport:
    """One-shot `sys.meta_path` finder: lets `keras` import normally, then installs the
    stand-ins."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "keras":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenInstall(spec.loader)
        return spec


def defer_registration():
    """Make plain `keras.saving.load_model` find course classes, without importing Keras now."""
    if "keras" in sys.modules:
        _install_or_warn()
    elif not any(isinstance(finder, _AfterKerasImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterKerasImport())
