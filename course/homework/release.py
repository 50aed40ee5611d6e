"""Release: student notebooks from nbgrader sources (`SOURCE/ASSIGNMENT/ASSIGNMENT.ipynb`).

nbgrader's generate_assignment removes the solution regions and the hidden test blocks, locks and
checksums the other cells and clears outputs; we then tag the cells that raise until answered
(`raises-exception`), so nbval runs the student copies end to end.
"""

import tempfile
from pathlib import Path

import nbformat

from course.notebooks import REPO_ROOT

SOURCE_DIR = REPO_ROOT / "instructor" / "homework"
STUDENT_DIR = REPO_ROOT / "notebooks" / "homework"
RAISES_TAG = "raises-exception"


def assignments(source_dir=SOURCE_DIR):
    """The assignment ids in `source_dir`: folders holding a notebook."""
    return sorted(
        p.name for p in Path(source_dir).iterdir() if p.is_dir() and any(p.glob("*.ipynb"))
    )


def tag_raising_cells(nb):
    """Tag answer cells (stubs raise) and check cells (they fail on stubs) for nbval."""
    for cell in nb.cells:
        info = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and (
            info.get("grade") or "raise NotImplementedError" in cell.source
        ):
            tags = cell.metadata.setdefault("tags", [])
            if RAISES_TAG not in tags:
                tags.append(RAISES_TAG)
    return nb


def release(source_dir=SOURCE_DIR, dest_dir=STUDENT_DIR):
    """Write `dest_dir/ASSIGNMENT.ipynb` for every assignment in `source_dir`; return the paths."""
    from course.homework.nbgrader_course import make_course

    written = []
    for assignment in assignments(source_dir):
        with tempfile.TemporaryDirectory(prefix="course-release-") as root:
            make_course(root, source_dir, assignment)
            for released in sorted((Path(root) / "release" / assignment).glob("*.ipynb")):
                nb = tag_raising_cells(nbformat.read(released, as_version=4))
                dest = Path(dest_dir) / released.name
                dest.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, dest)
                written.append(dest)
    return written
