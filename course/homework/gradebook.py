"""Grader-owned results: the CSV gradebook and one HTML feedback file per student.

Only the grader writes them, after the submission's sandbox is gone, each write atomic (a temporary
file renamed over the old one): the gradebook is rewritten with every finished row as each
submission finishes, so a crash mid-batch loses no finished row. Feedback shows the student's own
cells and what they printed, the points and the notes; never a hidden test.
"""

import csv
import html
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Result:
    """One student's points per graded cell (grade id -> points), notes on what went wrong, and the
    cells that ran (source, printed text, verdict) for the feedback."""

    student: str
    points: dict
    notes: list = field(default_factory=list)
    cells: list = field(default_factory=list)

    @property
    def total(self):
        return sum(self.points.values())


def _atomic_write(path, text):
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


class Gradebook:
    """The CSV: a row per student, a column of points per graded cell, the total, the maximum, how
    the submission was isolated, and the first line of each note."""

    def __init__(self, path, maximum, isolation):
        self.path, self.maximum, self.isolation, self.rows = (
            Path(path),
            dict(maximum),
            isolation,
            [],
        )

    def add(self, result):
        """Record a finished submission and rewrite the file with every row so far."""
        self.rows.append(
            [
                result.student,
                *(f"{result.points[q]:g}" for q in self.maximum),
                f"{result.total:g}",
                f"{sum(self.maximum.values()):g}",
                self.isolation,
                " | ".join(n.splitlines()[0] for n in result.notes),
            ]
        )
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["student_id", *self.maximum, "total", "max_total", "sandbox", "notes"])
        writer.writerows(self.rows)
        _atomic_write(self.path, out.getvalue())


def write_feedback(path, result, maximum):
    """The student's feedback page: points per question, notes, then each cell that ran."""
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(q)}</td><td>{result.points[q]:g} / {m:g}</td></tr>"
        for q, m in maximum.items()
    )
    notes = "".join(f"<li><pre>{esc(n)}</pre></li>" for n in result.notes) or "<li>no problems</li>"
    cells = "".join(
        f"<div class='cell'><pre class='source'>{esc(source)}</pre>"
        + (f"<pre class='output'>{esc(text)}</pre>" if text else "")
        + (f"<p class='verdict'>{esc(verdict)}</p>" if verdict else "")
        + "</div>"
        for source, text, verdict in result.cells
    )
    page = (
        "<!DOCTYPE html><html><head><meta "
        f"charset='utf-8'><title>{esc(result.student)}</title></head><body><section "
        f"id='course-summary'><h2>{esc(result.student)}: {result.total:g} / "
        f"{sum(maximum.values()):g} "
        f"points</h2><table>{rows}</table><ul>{notes}</ul></section><section "
        f"id='cells'>{cells}</section>"
        "</body></html>"
    )
    _atomic_write(path, page)
