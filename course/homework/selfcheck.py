"""The student's self-check: `check(qid, answer)` on the fixed visible cases, anywhere (Colab too).

Visible cases are data shipped in the wheel (`homework_visible_cases.json` in `course.artifacts`,
written by `scripts/build_homework_visible_cases.py` from the instructor's generators at seed 0),
or, for modelling tasks and values graded in private, made by the question itself from public data.
No hidden-case generator or reference implementation ships; the probe and the judging are the
ones grading uses, run here in the student's own process.
"""

import functools
import json

from course.homework.engine import JUDGES, QUESTIONS, Case, judge
from course.homework.plain import from_plain
from course.homework.probes import probe
from course.validation import check_choice

VISIBLE_FILE = "homework_visible_cases.json"


@functools.cache
def stored_cases():
    """qid -> the stored visible cases (plain data) of every question whose cases are data."""
    from course import artifacts

    return json.loads(artifacts.read_text(VISIBLE_FILE))


def to_record(case):
    """A visible case as plain data for the stored file (its judge by registered name)."""
    from course.homework.plain import to_plain

    name = getattr(case.judge, "judge_name", None)
    if case.judge is not None and name is None:
        raise ValueError(f"{case.what}: a stored case's judge must be registered with judge_named")
    return {
        "args": to_plain(list(case.args)),
        "expected": to_plain(case.expected),
        "what": case.what,
        "atol": case.atol,
        "rtol": case.rtol,
        "judge": name,
    }


def visible_cases(qid):
    """The visible cases of `qid`: made by the question, or read from the stored data."""
    check_choice("qid", qid, sorted(QUESTIONS))
    q = QUESTIONS[qid]
    if q.visible is not None:
        import numpy as np

        return list(q.visible(np.random.default_rng(0)))
    return [
        Case(
            tuple(from_plain(r["args"])),
            from_plain(r["expected"]),
            r["what"],
            r["atol"],
            r["rtol"],
            JUDGES[r["judge"]] if r["judge"] else None,
        )
        for r in stored_cases()[qid]
    ]


def check(qid, answer):
    """Run the visible tests of `qid` on `answer`; print the points, raise on a wrong answer."""
    cases = visible_cases(qid)
    q = QUESTIONS[qid]
    try:
        judge(qid, cases, probe(q, answer, [c.args for c in cases]))
    except NotImplementedError:
        raise AssertionError(f"{qid}: not implemented yet (0/{q.points} points)") from None
    except AssertionError as err:
        raise AssertionError(f"{qid}: visible tests fail (0/{q.points} points)\n{err}") from None
    print(
        f"{qid}: visible tests pass; worth {q.points} point{'s' * (q.points != 1)} "
        "if the hidden tests also pass at grading"
    )
