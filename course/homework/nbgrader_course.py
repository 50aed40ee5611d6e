"""A throwaway nbgrader course directory: the one place this package configures nbgrader.

nbgrader keeps assignments under ``ROOT/source/ASSIGNMENT`` with a SQLite gradebook. Release (and
grading, for the released notebook it runs submissions against) build such a directory in a
temporary folder from the sources, so the sources may live anywhere (``--source``) and nothing is
left behind. Student code never runs here (grading runs it in a sandbox). Imports nbgrader, so
only instructors (the `instructor` extra) load this module.
"""

import functools
import shutil
import sqlite3
from pathlib import Path

import nbgrader
import nbgrader.api
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from sqlalchemy import Engine, event
from traitlets.config import Config

_THROWAWAY_GRADEBOOKS = set()


@functools.cache
def _alembic_head():
    """The gradebook schema version, read in-process: nbgrader's own lookup starts an `alembic`
    subprocess for every new gradebook (seconds each), and every grading run makes a new one."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(Path(nbgrader.__file__).parent / "alembic")).get_current_head()


nbgrader.api.get_alembic_version = _alembic_head


@event.listens_for(Engine, "connect")
def _skip_fsync(connection, _record):
    """Our gradebooks are deleted after the run, so SQLite need not fsync each of nbgrader's many
    commits (a second or more per notebook); any other database keeps its settings."""
    if isinstance(connection, sqlite3.Connection):
        path = connection.execute("PRAGMA database_list").fetchone()[2]
        if path in _THROWAWAY_GRADEBOOKS:
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute("PRAGMA journal_mode=MEMORY")


def make_course(root, source_dir, assignment):
    """Copy `source_dir/assignment` into a course at `root`, generate the release and gradebook;
    return the traitlets Config that the converters share."""
    root = Path(root)
    source = Path(source_dir) / assignment
    if not source.is_dir() or not any(source.glob("*.ipynb")):
        raise FileNotFoundError(f"no assignment {assignment!r}: {source} holds no notebook")
    shutil.copytree(source, root / "source" / assignment)
    config = Config()
    config.CourseDirectory.root = str(root)
    gradebook = (root / "gradebook.db").resolve()
    _THROWAWAY_GRADEBOOKS.add(str(gradebook))
    config.CourseDirectory.db_url = f"sqlite:///{gradebook}"
    config.CourseDirectory.assignment_id = assignment
    config.GenerateAssignment.create_assignment = True
    config.Application.log_level = "ERROR"
    _convert(GenerateAssignment, config)
    return config


def _convert(converter, config):
    """Run one nbgrader converter on the course in `config`."""
    converter(coursedir=CourseDirectory(config=config), config=config).start()
