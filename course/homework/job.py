"""A submission's grading job: the cells its sandbox runs and the probes that replace check cells.

Locked cells (setup, imports, prompts) come from the released notebook and answer cells from the
submission, matched by nbgrader grade id; cells the student added run where they were added. Each
graded check cell becomes a probe of the answer it names, with hidden inputs drawn by the grader,
so editing or deleting a check cell changes nothing (and is noted).
"""

import re
from dataclasses import dataclass

CHECK = re.compile(r'check\("([\w.]+)", (\w+)\)')


@dataclass(frozen=True)
class Graded:
    """A graded check cell of the release: grade id, question id, answer name, points."""

    gid: str
    qid: str
    name: str
    points: float


def _info(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_cells(released):
    """The graded check cells of a released notebook, in order."""
    found = []
    for cell in released.cells:
        info = _info(cell)
        if cell.cell_type == "code" and info.get("grade"):
            match = CHECK.search(cell.source)
            if match is None:
                raise ValueError(
                    f'graded cell {info["grade_id"]!r} does not call check("QID", answer): '
                    f"{cell.source!r}"
                )
            found.append(
                Graded(
                    info["grade_id"], match.group(1), match.group(2), float(info.get("points", 0))
                )
            )
    return found


def steps(released, submitted):
    """(cells and probes in run order, notes on edited or missing check cells).

    A cell step is {"gid", "source"}; a probe step {"gid", "qid", "name"} (the grader adds
    "args")."""
    known = {_info(c).get("grade_id") for c in released.cells if _info(c).get("grade_id")}
    answer_ids = {_info(c)["grade_id"] for c in released.cells if _info(c).get("solution")}
    answers, added, anchor = {}, {}, None
    for cell in submitted.cells:
        gid = _info(cell).get("grade_id")
        if gid in known:
            anchor = gid
            if (
                gid in answer_ids
            ):  # the release decides which cells are answers, not the submission's metadata
                answers[gid] = cell.source
        elif cell.cell_type == "code":
            added.setdefault(anchor, []).append(cell.source)
    submitted_sources = {_info(c).get("grade_id"): c.source for c in submitted.cells}
    graded = {g.gid: g for g in graded_cells(released)}
    run, notes = [{"gid": None, "source": s} for s in added.get(None, [])], []
    for cell in released.cells:
        gid = _info(cell).get("grade_id")
        if gid in graded:
            g = graded[gid]
            run.append({"gid": gid, "qid": g.qid, "name": g.name})
            if gid not in submitted_sources:
                notes.append(
                    f"{gid}: the check cell was missing from the submission; graded as in the "
                    "release"
                )
            elif submitted_sources[gid] != cell.source:
                notes.append(
                    f"{gid}: the check cell was edited in the submission; graded as in the release"
                )
        elif cell.cell_type == "code":
            run.append({"gid": gid, "source": answers.get(gid, cell.source)})
        run += [{"gid": None, "source": s} for s in added.get(gid, [])]
    return run, notes
