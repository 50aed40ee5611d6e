"""Session notebooks stay thin: narrative plus calls into the library.

A helper a notebook defines cannot be reused by the library or its tests, so logic belongs in
`course`. The budget is 10 lines inside def/class bodies per notebook; code cells tagged
"teaching" (deliberately inline code shown next to its library twin) do not count.
"""

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("session*/*.ipynb"))
BUDGET = 10
TEACHING_TAG = "teaching"


def body_lines(source):
    """Line numbers inside the bodies of def/class statements (nested ones counted once)."""
    code = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )
    lines = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            lines.update(range(node.body[0].lineno, node.end_lineno + 1))
    return lines


def helper_lines(path):
    """{cell index: number of def/class body lines} for the untagged code cells of a notebook."""
    counts = {}
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "code" and TEACHING_TAG not in cell.metadata.get("tags", []):
            n = len(body_lines(cell.source))
            if n:
                counts[i] = n
    return counts


def test_body_lines_counts_def_and_class_bodies_once():
    source = (
        "x = 1\n%time y\ndef f(a):\n    def g():\n        return a\n    return g\n"
        "class C:\n    z = 2\n"
    )
    assert body_lines(source) == {4, 5, 6, 8}
    assert body_lines("print(lambda v: v + 1)") == set()


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=[p.relative_to(ROOT / "notebooks").as_posix() for p in NOTEBOOKS]
)
def test_notebook_defines_at_most_ten_helper_lines(path):
    counts = helper_lines(path)
    assert sum(counts.values()) <= BUDGET, (
        f"{sum(counts.values())} lines inside def/class bodies (cells {counts}): move the logic "
        f"into the library, or tag the cell {TEACHING_TAG!r} if it is inline teaching code next to "
        "its library twin"
    )
