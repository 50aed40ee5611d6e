"""Hidden tests, drawn and judged in the grader's own process.

The generators and references live with the instructor's sources: `SOURCE/ASSIGNMENT/grading.py`
defines `HIDDEN = {qid: cases(rng, hidden=True)}` for every question of the assignment. `draw`
makes a question's hidden cases from a fresh seed; only their inputs go to the sandbox, and
`verdict` judges the plain results that come back.
"""

import importlib.util
import secrets
from pathlib import Path

import numpy as np

from course.homework.engine import QUESTIONS, judge
from course.homework.probes import probe


def load_hidden(source_dir, assignment):
    """The `HIDDEN` dict of `source_dir/assignment/grading.py` (the instructor's own code)."""
    path = Path(source_dir) / assignment / "grading.py"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: it defines HIDDEN = {{qid: cases(rng, hidden)}}, the hidden "
            "cases of every question of the assignment"
        )
    spec = importlib.util.spec_from_file_location(f"course_grading_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    hidden = getattr(module, "HIDDEN", {})
    unknown = sorted(set(hidden) - set(QUESTIONS))
    if unknown:
        raise ValueError(f"{path}: HIDDEN names unknown questions {unknown}")
    return hidden


def draw(qid, hidden, seed=None):
    """(seed, hidden cases of `qid`) from the generators `hidden` and `seed` (fresh by default)."""
    if qid not in hidden:
        raise KeyError(
            f"no hidden cases for {qid!r}: the assignment's grading.py must define HIDDEN[{qid!r}]"
        )
    seed = secrets.randbits(32) if seed is None else seed
    return seed, list(hidden[qid](np.random.default_rng(seed), hidden=True))


def verdict(qid, cases, results, seed):
    """None when every result is right, else a one-paragraph reason (the seed for the
    instructor)."""
    try:
        judge(qid, cases, results)
    except NotImplementedError:
        return f"{qid}: not implemented"
    except AssertionError as err:
        return f"{qid}: hidden tests fail (seed {seed})\n{err}"
    return None


def run_in_process(qid, answer, hidden, seed=None):
    """Draw, probe and judge in this one process (tests of the questions themselves, not grading):
    raise AssertionError with the verdict when the answer is wrong."""
    seed, cases = draw(qid, hidden, seed)
    reason = verdict(qid, cases, probe(QUESTIONS[qid], answer, [c.args for c in cases]), seed)
    if reason:
        raise AssertionError(reason)
