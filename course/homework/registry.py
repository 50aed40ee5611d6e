"""The question registry: each question id maps to a checker that raises on a wrong answer."""
from dataclasses import dataclass
from typing import Callable

QUESTIONS = {}


@dataclass(frozen=True)
class Question:
    """A homework question: its id, a one-line statement and its checker."""

    qid: str
    prompt: str
    checker: Callable


def question(qid, prompt):
    """Decorator registering `checker(answer)` under `qid`."""

    def register(checker):
        if qid in QUESTIONS:
            raise ValueError(f"question id {qid!r} is registered twice")
        QUESTIONS[qid] = Question(qid, prompt, checker)
        return checker

    return register


def check(question_id, answer):
    """Check `answer` for `question_id`; print "<id>: OK" or raise AssertionError with a hint."""
    if question_id not in QUESTIONS:
        raise KeyError(f"unknown question {question_id!r}; known: {', '.join(sorted(QUESTIONS))}")
    if answer is None or answer is Ellipsis:
        raise AssertionError(f"{question_id}: no answer yet (got {answer!r})")
    try:
        QUESTIONS[question_id].checker(answer)
    except NotImplementedError:
        raise AssertionError(f"{question_id}: not implemented yet") from None
    except AssertionError as err:
        raise AssertionError(f"{question_id}: {err}") from None
    except Exception as err:  # a crash in student code is a wrong answer, reported as such
        raise AssertionError(f"{question_id}: your answer raised {type(err).__name__}: {err}") from err
    print(f"{question_id}: OK")
