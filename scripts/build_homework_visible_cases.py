"""Rebuild data/homework_visible_cases.json: the visible cases of every homework question whose
cases are data, drawn at seed 0 by the instructor's generators (`instructor/homework/*/grading.py`,
`hidden=False`), so that the wheel ships the cases and never the generators or references.
Run: python scripts/build_homework_visible_cases.py  (a few seconds; identical file on rerun)."""

import json
from pathlib import Path

import numpy as np

from course.homework.engine import QUESTIONS
from course.homework.hidden import load_hidden
from course.homework.release import SOURCE_DIR, assignments
from course.homework.selfcheck import VISIBLE_FILE, to_record

OUT = Path(__file__).resolve().parent.parent / "data" / VISIBLE_FILE


def build(source_dir=SOURCE_DIR):
    """qid -> list of stored visible cases, for every question without its own visible cases."""
    stored = {}
    for assignment in assignments(source_dir):
        for qid, cases in load_hidden(source_dir, assignment).items():
            if QUESTIONS[qid].visible is None:
                stored[qid] = [to_record(c) for c in cases(np.random.default_rng(0), hidden=False)]
    return dict(sorted(stored.items()))


def text(stored):
    """The file's text: one question per line, so that a change shows as a one-line diff."""
    return (
        "{\n"
        + ",\n".join(
            f"{json.dumps(q)}: {json.dumps(c, separators=(',', ':'))}" for q, c in stored.items()
        )
        + "\n}\n"
    )


if __name__ == "__main__":
    OUT.write_text(text(build()))
    print(f"wrote {OUT}")
