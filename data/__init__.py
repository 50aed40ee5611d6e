"""`course.artifacts`: the files the library reads at run time, shipped inside the wheel.

In the repository they live in this top-level ``data/`` folder, which ``setup.py`` maps to the
package ``course.artifacts``; a wheel installs them under ``course/artifacts/``. Each file is
rebuilt by a script in ``scripts/`` (see ``data/README.md``), which writes into this folder.
Library code reads them only through `path` or `read_text` (``importlib.resources``), never by a
repository path, so a Colab-style install with no repository around it finds them too.
"""

import atexit
import contextlib
import json
from importlib import resources
from pathlib import Path

_extracted = contextlib.ExitStack()  # temporary copies, only when installed from a zip
atexit.register(_extracted.close)


def names():
    """The names of the shipped artifact files, sorted."""
    return sorted(
        entry.name
        for entry in resources.files(__name__).iterdir()
        if entry.is_file() and not entry.name.endswith((".py", ".pyc", ".md"))
    )


def _resource(name):
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {name!r} ({type(name).__name__})")
    resource = resources.files(__name__) / name
    if not resource.is_file():
        raise FileNotFoundError(
            f"{name!r} is not a shipped course artifact; available: {', '.join(names())}"
        )
    return resource


def path(name):
    """A filesystem path to the artifact `name` (for readers that need one, such as Keras)."""
    return _extracted.enter_context(resources.as_file(_resource(name)))


def read_text(name):
    """The artifact `name` as text (UTF-8)."""
    return _resource(name).read_text(encoding="utf-8")


def read_figures(name, what, command, file=None):
    """The figures a benchmark stored as JSON, as a dict: the artifact `name`, or `file` if given.

    `what` names the figures and `command` the benchmark that measures them, for the
    FileNotFoundError raised when the file is missing.
    """
    file = path(name) if file is None else Path(file)
    if not file.exists():
        raise FileNotFoundError(
            f"no stored {what} figures at {file}; measure them with `{command}`"
        )
    return json.loads(file.read_text())
