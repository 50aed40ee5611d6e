"""The homework checking engine: questions, their test cases, and the visible/hidden runs.

A question yields `Case`s from a NumPy generator. The visible run (`check`) uses a fixed seed and
prints points and expected-vs-got; the hidden run (`hidden`, called only from nbgrader's hidden
test blocks at grading) draws a fresh seed, so no fixed answer can be hard-coded. Expected values
come from independent closed forms or from Keras/TF/TFP, never from a stored answer. Base
dependencies only: students run these checks anywhere, Colab included.
"""
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from course.homework.guard import call_from_scratch

QUESTIONS = {}


@dataclass(frozen=True)
class Case:
    """One input to call the answer with, the expected result and how to compare."""

    args: tuple
    expected: Any
    what: str
    atol: float = 1e-5
    rtol: float = 1e-5


@dataclass(frozen=True)
class Question:
    """A graded question: id, points, case generator, and whether shortcuts are refused."""

    qid: str
    points: int
    cases: Callable
    scratch: bool = False
    kind: str = "function"
    blocked: tuple = field(default=())


def question(qid, points, scratch=False, kind="function", blocked=()):
    """Register `cases(rng, hidden)` (a generator of `Case`) under `qid`.

    `kind="function"` calls the answer on each case's args; `kind="scorer"` gets
    `cases(answer, rng, hidden)` and judges the answer itself (modelling tasks, objects, numbers
    whose value is checked at grading only), raising AssertionError or returning cases to compare.
    """

    def register(cases):
        if qid in QUESTIONS:
            raise ValueError(f"question id {qid!r} is registered twice")
        QUESTIONS[qid] = Question(qid, points, cases, scratch, kind, tuple(blocked))
        return cases

    return register


def _show(value, limit=6):
    """A short printable form of a value for expected-vs-got messages."""
    array = np.asarray(value, dtype=object if isinstance(value, (str, tuple)) else None)
    if array.dtype.kind in "fc":
        array = np.round(array.astype("float64"), 6)
    text = np.array2string(array, threshold=limit, edgeitems=2) if array.ndim else repr(array.item())
    return text if len(text) < 400 else text[:400] + " ..."


def compare(got, case):
    """Raise AssertionError showing expected against got when `got` does not match the case."""
    expected = case.expected
    if isinstance(expected, str) or (isinstance(expected, tuple) and expected and isinstance(expected[0], str)):
        if got != expected:
            raise AssertionError(f"{case.what}: expected {expected!r}, got {got!r}")
        return
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            raise AssertionError(f"{case.what}: expected a tuple of {len(expected)} values, got {_show(got)}")
        for i, (g, e) in enumerate(zip(got, expected)):
            compare(g, Case(case.args, e, f"{case.what}, item {i}", case.atol, case.rtol))
        return
    try:
        got_array = np.asarray(got, dtype="float64")
    except (TypeError, ValueError):
        raise AssertionError(f"{case.what}: expected numbers {_show(expected)}, got {got!r}") from None
    expected = np.asarray(expected, dtype="float64")
    if got_array.shape != expected.shape:
        raise AssertionError(f"{case.what}: expected shape {expected.shape}, got shape {got_array.shape}\n"
                             f"  expected {_show(expected)}\n  got      {_show(got_array)}")
    if not np.allclose(got_array, expected, atol=case.atol, rtol=case.rtol, equal_nan=False):
        raise AssertionError(f"{case.what}:\n  expected {_show(expected)}\n  got      {_show(got_array)}")


def _run(qid, answer, rng, hidden):
    """Run every case of `qid` against `answer`; raise AssertionError naming the first failure."""
    if qid not in QUESTIONS:
        raise KeyError(f"unknown question {qid!r}; known: {', '.join(sorted(QUESTIONS))}")
    q = QUESTIONS[qid]
    if answer is None or answer is Ellipsis:
        raise AssertionError(f"{qid}: no answer yet (got {answer!r})")
    if q.kind == "function" and not callable(answer):
        raise AssertionError(f"{qid}: expected a function, got {type(answer).__name__}")
    cases = q.cases(rng, hidden) if q.kind != "scorer" else _student_call(lambda: q.cases(answer, rng, hidden), qid)
    for case in cases:
        if q.kind == "function":
            args = case.args
            got = _student_call((lambda: call_from_scratch(qid, answer, args, q.blocked)) if q.scratch
                                else (lambda: answer(*args)), case.what)
        else:
            got = answer
        compare(got, case)


def _student_call(call, what):
    """Run code that calls the student's answer; a crash there is a wrong answer, reported as such."""
    try:
        return call()
    except (NotImplementedError, AssertionError):
        raise
    except Exception as err:
        raise AssertionError(f"{what}: your answer raised {type(err).__name__}: {err}") from err


def check(qid, answer):
    """Run the visible tests of `qid` on `answer`; print the points, raise on a wrong answer."""
    points = QUESTIONS[qid].points if qid in QUESTIONS else 0
    try:
        _run(qid, answer, np.random.default_rng(0), hidden=False)
    except NotImplementedError:
        raise AssertionError(f"{qid}: not implemented yet (0/{points} points)") from None
    except AssertionError as err:
        raise AssertionError(f"{qid}: visible tests fail (0/{points} points)\n{err}") from None
    print(f"{qid}: visible tests pass; worth {points} point{'s' * (points != 1)} "
          "if the hidden tests also pass at grading")


def hidden(qid, answer, seed=None):
    """The grading-time run: fresh random inputs (seed printed on failure for the instructor)."""
    seed = secrets.randbits(32) if seed is None else seed
    try:
        _run(qid, answer, np.random.default_rng(seed), hidden=True)
    except NotImplementedError:
        raise AssertionError(f"{qid}: not implemented") from None
    except AssertionError as err:
        raise AssertionError(f"{qid}: hidden tests fail (seed {seed})\n{err}") from None
    print(f"{qid}: hidden tests pass")
