"""Hidden tests, drawn and judged in the grader's own process.

`draw` makes a question's hidden cases from a fresh seed: the instructor's
`SOURCE/ASSIGNMENT/grading.py` may replace a question's cases (`HIDDEN = {qid: cases(rng)}`, for
values checked at grading only), otherwise the question's own generator runs in hidden mode.
Only the cases' inputs go to the sandbox; `verdict` judges the plain results that come back.
"""
import importlib.util
import secrets
from pathlib import Path

import numpy as np

from course.homework.engine import QUESTIONS, judge
from course.homework.probes import probe


def load_overrides(source_dir, assignment):
    """The `HIDDEN` dict of `source_dir/assignment/grading.py` (the instructor's own code), or {}."""
    path = Path(source_dir) / assignment / "grading.py"
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"course_grading_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    overrides = getattr(module, "HIDDEN", {})
    unknown = sorted(set(overrides) - set(QUESTIONS))
    if unknown:
        raise ValueError(f"{path}: HIDDEN names unknown questions {unknown}")
    return overrides


def draw(qid, seed=None, overrides=None):
    """(seed, hidden cases of `qid`) from `seed` (a fresh random one by default)."""
    if qid not in QUESTIONS:
        raise KeyError(f"unknown question {qid!r}; known: {', '.join(sorted(QUESTIONS))}")
    seed = secrets.randbits(32) if seed is None else seed
    rng = np.random.default_rng(seed)
    overrides = overrides or {}
    cases = overrides[qid](rng) if qid in overrides else QUESTIONS[qid].cases(rng, True)
    return seed, list(cases)


def verdict(qid, cases, results, seed):
    """None when every result is right, else a one-paragraph reason (the seed for the instructor)."""
    try:
        judge(qid, cases, results)
    except NotImplementedError:
        return f"{qid}: not implemented"
    except AssertionError as err:
        return f"{qid}: hidden tests fail (seed {seed})\n{err}"
    return None


def run_in_process(qid, answer, seed=None, overrides=None):
    """Draw, probe and judge in this one process (tests of the questions themselves, not grading):
    raise AssertionError with the verdict when the answer is wrong."""
    seed, cases = draw(qid, seed, overrides)
    reason = verdict(qid, cases, probe(QUESTIONS[qid], answer, [c.args for c in cases]), seed)
    if reason:
        raise AssertionError(reason)
