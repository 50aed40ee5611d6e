"""The homework checking engine: questions, their test cases, and how a result is judged.

A question is judged on `Case`s: the inputs to probe the answer with, the expected result and how
to compare. The student's check (`course.homework.selfcheck`) judges fixed visible cases in the
student's process. Grading (`course.homework.hidden`) draws fresh cases with the instructor's
generators in the grader's process, sends only their inputs to the sandboxed submission, and judges
the plain results it gets back against the expected values it kept. Base dependencies only:
students run their checks anywhere, Colab included.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course.homework.plain import from_plain
from course.homework.probes import PROBES

QUESTIONS = {}
JUDGES = {}


@dataclass(frozen=True)
class Case:
    """One input to probe the answer with (plain data and specs), the expected result and how to
    compare: `judge(got, case)` raises AssertionError on a wrong result (default: `compare`)."""

    args: tuple
    expected: Any
    what: str
    atol: float = 1e-5
    rtol: float = 1e-5
    judge: Callable | None = None


@dataclass(frozen=True)
class Question:
    """A graded question: id, points, the probe that runs the answer (a name in
    `course.homework.probes.PROBES`), for from-scratch questions the modules refused, and for
    questions whose visible cases are not stored data, `visible(rng)` that makes them."""

    qid: str
    points: int
    scratch: bool = False
    probe: str = "call"
    blocked: tuple = field(default=())
    visible: Callable | None = None


def question(qid, points, scratch=False, probe="call", blocked=(), visible=None):
    """Register question `qid` (its cases are not here: visible ones are stored data or made by
    `visible(rng)` from public data, hidden ones live with the instructor's sources)."""
    if probe not in PROBES:
        raise ValueError(f"probe must be one of {sorted(PROBES)}, got {probe!r}")
    if qid in QUESTIONS:
        raise ValueError(f"question id {qid!r} is registered twice")
    QUESTIONS[qid] = Question(qid, points, scratch, probe, tuple(blocked), visible)
    return QUESTIONS[qid]


def judge_named(name):
    """Register judge `fn(got, case)` under `name`, so that a stored visible case can name it."""

    def register(fn):
        if name in JUDGES:
            raise ValueError(f"judge {name!r} is registered twice")
        JUDGES[name] = fn
        fn.judge_name = name
        return fn

    return register


def _show(value, limit=6):
    """A short printable form of a value for expected-vs-got messages."""
    array = np.asarray(value, dtype=object if isinstance(value, (str, tuple)) else None)
    if array.dtype.kind in "fc":
        array = np.round(array.astype("float64"), 6)
    text = (
        np.array2string(array, threshold=limit, edgeitems=2) if array.ndim else repr(array.item())
    )
    return text if len(text) < 400 else text[:400] + " ..."


def compare(got, case):
    """Raise AssertionError showing expected against got when `got` does not match the case."""
    expected = case.expected
    if isinstance(expected, str) or (
        isinstance(expected, (tuple, list)) and expected and isinstance(expected[0], str)
    ):
        if got != expected:
            raise AssertionError(f"{case.what}: expected {expected!r}, got {got!r}")
        return
    if isinstance(expected, (tuple, list)):  # a tuple comes back from plain data as a list
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            raise AssertionError(
                f"{case.what}: expected a tuple of {len(expected)} values, got {_show(got)}"
            )
        for i, (g, e) in enumerate(zip(got, expected)):
            compare(g, Case(case.args, e, f"{case.what}, item {i}", case.atol, case.rtol))
        return
    try:
        got_array = np.asarray(got, dtype="float64")
    except (TypeError, ValueError):
        raise AssertionError(
            f"{case.what}: expected numbers {_show(expected)}, got {got!r}"
        ) from None
    expected = np.asarray(expected, dtype="float64")
    if got_array.shape != expected.shape:
        raise AssertionError(
            f"{case.what}: expected shape {expected.shape}, got shape {got_array.shape}\n"
            f"  expected {_show(expected)}\n  got      {_show(got_array)}"
        )
    if not np.allclose(got_array, expected, atol=case.atol, rtol=case.rtol, equal_nan=False):
        raise AssertionError(
            f"{case.what}:\n  expected {_show(expected)}\n  got      {_show(got_array)}"
        )


def judge(qid, cases, results):
    """Raise on the first case whose plain result (as `probe` makes it) is wrong:
    NotImplementedError for a stub, AssertionError (naming the case, expected against got)
    otherwise."""
    if not isinstance(results, list) or len(results) != len(cases):
        raise AssertionError(f"{qid}: expected {len(cases)} results, got {str(results)[:200]}")
    for case, result in zip(cases, results):
        if not isinstance(result, dict) or not (
            {"value"} <= set(result) or {"error"} <= set(result)
        ):
            raise AssertionError(f"{case.what}: no result (got {str(result)[:200]})")
        if "error" in result:
            error = str(result["error"])
            if error.startswith("NotImplementedError"):
                raise NotImplementedError(error)
            raise AssertionError(f"{case.what}: your answer raised {error}")
        try:
            (case.judge or compare)(from_plain(result["value"]), case)
        except AssertionError:
            raise
        except (
            Exception
        ) as err:  # a result of the wrong shape or type is a wrong answer, not a crash
            raise AssertionError(
                f"{case.what}: unusable result ({type(err).__name__}: {err})"
            ) from None
