"""Probes: what runs the student's answer and turns its behaviour into plain data.

The same probes serve the visible check (in the student's own process) and grading (inside the
sandbox, where the grader sent only the inputs): a probe calls the answer on each case's inputs
and returns one plain result per case, `{"value": ...}` or `{"error": "Name: message"}`. Expected
values never reach a probe; the judging happens where the expected values are.
"""

from course.homework import plain, specs
from course.homework.guard import call_from_scratch

PROBES = {}


def probe_kind(name):
    """Register `fn(question, answer, args) -> result` as probe `name`."""

    def register(fn):
        PROBES[name] = fn
        return fn

    return register


@probe_kind("call")
def _call(question, answer, args):
    """The answer called on the case's inputs (through the shortcut guard for from-scratch
    questions)."""
    if not callable(answer):
        raise TypeError(f"expected a function, got {type(answer).__name__}")
    args = specs.build(list(args))
    if question.scratch:
        return call_from_scratch(question.qid, answer, args, question.blocked)
    return answer(*args)


@probe_kind("value")
def _value(question, answer, args):
    """The answer itself (a number the question asks for)."""
    return answer


@probe_kind("trainable_flags")
def _trainable_flags(question, answer, args):
    """Call the answer on a model it should modify in place; report each layer's `trainable`
    flag."""
    if not callable(answer):
        raise TypeError(f"expected a function, got {type(answer).__name__}")
    model, *rest = specs.build(list(args))
    answer(model, *rest)
    return [bool(layer.trainable) for layer in model.layers]


@probe_kind("model")
def _model(question, answer, args):
    """A trained model's predictions on the images sent, its layer types and BatchNorm moving
    means."""
    if not hasattr(answer, "predict"):
        raise TypeError(f"expected a trained Keras model, got {type(answer).__name__}")
    import numpy as np

    from course.transfer.freezing import all_layers

    [images] = args
    layers = list(all_layers(answer))
    return {
        "predictions": np.asarray(answer.predict(np.asarray(images), verbose=0), dtype="float32"),
        "layers": [type(layer).__name__ for layer in layers],
        "moving_means": {
            layer.name: np.asarray(layer.moving_mean, dtype="float64")
            for layer in layers
            if hasattr(layer, "moving_mean")
        },
    }


def _error(err):
    """One line naming an exception raised by the student's code."""
    return " ".join(f"{type(err).__name__}: {err}".split())[:500]


def probe(question, answer, cases_args):
    """Plain results of `question`'s probe on `answer`, one per case (an error is a result too)."""
    if answer is None or answer is Ellipsis:
        return [{"error": f"no answer yet (got {answer!r})"} for _ in cases_args]
    results = []
    for args in cases_args:
        try:
            results.append(
                {"value": plain.to_plain(PROBES[question.probe](question, answer, args))}
            )
        except NotImplementedError:
            results.append({"error": "NotImplementedError: not implemented yet"})
        except (
            Exception,
            SystemExit,
        ) as err:  # the student's failure is a result, not the grader's crash
            results.append({"error": _error(err)})
    return results
