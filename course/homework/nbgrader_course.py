"""A throwaway nbgrader course directory: the one place this package configures nbgrader.

nbgrader keeps assignments under ``ROOT/source/ASSIGNMENT`` and grades in a SQLite gradebook.
Release and grading build such a directory in a temporary folder from the sources, so the
sources may live anywhere (``--source``) and nothing is left behind. Imports nbgrader, so only
instructors (the `instructor` extra) load this module.
"""
import functools
import shutil
import sqlite3
from pathlib import Path

from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode
import nbgrader
import nbgrader.api
from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from sqlalchemy import Engine, event
from traitlets.config import Config

KERNEL_DIED = "KernelDied"
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


class SurvivingExecute(Execute):
    """nbgrader's Execute, except that a dead kernel (os._exit, a crash) fails the cell it hit and
    every later cell instead of aborting the whole submission, so earlier answers keep their points."""

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if getattr(self, "_kernel_dead", False):
            return _fail(cell, "not run: the kernel died in an earlier cell")
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except DeadKernelError:
            self._kernel_dead = True
            return _fail(cell, "the kernel died while running this cell (os._exit, a crash, or out of memory)")

    execute_cell = run_sync(async_execute_cell)


def _fail(cell, message):
    """Record `message` as an error output of a code cell (a graded cell then scores zero)."""
    if cell.cell_type == "code":
        cell.outputs.append(NotebookNode(output_type="error", ename=KERNEL_DIED, evalue=message,
                                         traceback=[f"{KERNEL_DIED}: {message}"]))
    return cell


def make_course(root, source_dir, assignment, timeout=60):
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
    config.Execute.timeout = int(timeout)
    config.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]  # no TCP warning per submission
    config.OverwriteCells.add_missing_cells = True
    config.Autograde.autograde_preprocessors = [
        SurvivingExecute if p is Execute else p for p in Autograde.class_traits()["autograde_preprocessors"].default()]
    config.Application.log_level = "ERROR"
    _convert(GenerateAssignment, config)
    return config


def _convert(converter, config, **course):
    """Run one nbgrader converter on the course in `config` (`course` overrides, e.g. student_id)."""
    local = Config(config)
    for key, value in course.items():
        setattr(local.CourseDirectory, key, value)
    coursedir = CourseDirectory(config=local)
    converter(coursedir=coursedir, config=local).start()


def autograde(config, student_id):
    """nbgrader autograde of one submission (test cells restored from the source, own kernel)."""
    _convert(Autograde, config, student_id=student_id)


def feedback(config, student_id):
    """nbgrader's HTML feedback for one autograded submission."""
    _convert(GenerateFeedback, config, student_id=student_id)
