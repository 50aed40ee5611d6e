"""Make student notebooks from instructor sources by removing the marked solutions.

In a source, solutions sit between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines. A
student copy replaces each block with ``raise NotImplementedError`` (a stub that is also a
wrong answer, so every check fails until the student writes code), tags the cells that will
raise so nbval runs the student copy, and drops all outputs.
"""
import re
from pathlib import Path

import nbformat

from course.notebooks import REPO_ROOT

SOURCE_DIR = REPO_ROOT / "instructor" / "homework"
STUDENT_DIR = REPO_ROOT / "notebooks" / "homework"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = 'raise NotImplementedError("write your solution here")'
CHECK_CALL = re.compile(r"""course\.homework\.check\(\s*["']([\w.]+)["']""")
RAISES_TAG = "raises-exception"


def strip_solutions(source):
    """Replace every solution block with an indented stub; raise on unbalanced markers."""
    out, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"nested {BEGIN!r} in:\n{source}")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}{STUB}")
        elif marker == END:
            if not inside:
                raise ValueError(f"{END!r} without {BEGIN!r} in:\n{source}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN!r} without {END!r} in:\n{source}")
    return "\n".join(out)


def student_notebook(source_nb):
    """The student version of a loaded instructor notebook."""
    nb = nbformat.from_dict(source_nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        had_solution = BEGIN in cell.source
        cell.source = strip_solutions(cell.source)
        cell.outputs, cell.execution_count = [], None
        if (had_solution and STUB in _top_level(cell.source)) or CHECK_CALL.search(cell.source):
            tags = cell.metadata.setdefault("tags", [])
            if RAISES_TAG not in tags:
                tags.append(RAISES_TAG)
    return nb


def _top_level(source):
    """Lines at indentation 0 (a stub there raises when the cell runs, not when called)."""
    return "\n".join(line for line in source.splitlines() if line and not line[0].isspace())


def release(source_dir=SOURCE_DIR, student_dir=STUDENT_DIR):
    """Write the student version of every source notebook; return the written paths."""
    written = []
    for src in sorted(Path(source_dir).glob("*.ipynb")):
        nb = student_notebook(nbformat.read(src, as_version=4))
        dest = Path(student_dir) / src.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest)
        written.append(dest)
    return written
